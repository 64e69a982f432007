//! What the builtin providers share: a provider made of a table of resource types and data
//! sources (each its own file), and the plan logic of resources whose every argument forces
//! replacement.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use terrane_dsl::value::{Path, PathStep, Value};
use terrane_provider::objchange::requires_replace;
use terrane_provider::values::with_attr;
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, BlockSchema, Host, PlanRequest, PlanResponse,
    Provider, ProviderDiagnostic, ProviderError, ProviderSchema, ResourceSchema,
};

/// What a resource type or data source may use: the engine's host services.
#[derive(Clone)]
pub struct Ctx {
    pub host: Arc<dyn Host>,
}

/// One managed resource type of a builtin provider.
#[async_trait]
pub trait ResourceType: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> ResourceSchema;
    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let _ = config;
        Vec::new()
    }
    async fn plan(&self, ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError>;
    async fn apply(&self, ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError>;
    /// Refresh; the default finds the object unchanged (nothing remote to look at).
    async fn read(&self, ctx: &Ctx, state: Value) -> Result<Option<Value>, ProviderError> {
        let _ = ctx;
        Ok(Some(state))
    }
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Vec<Value>, ProviderError> {
        let _ = (ctx, id);
        Err(ProviderError::new(
            "Resource Import Not Implemented",
            format!(
                "This resource does not support import. Please contact the provider \
                 developer for additional information. (resource type {})",
                self.name()
            ),
        ))
    }
}

/// One data source of a builtin provider.
#[async_trait]
pub trait DataSourceType: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> ResourceSchema;
    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let _ = config;
        Vec::new()
    }
    async fn read(&self, ctx: &Ctx, config: Value) -> Result<Value, ProviderError>;
}

/// A builtin provider: a local name and its resource types and data sources.
pub struct TableProvider {
    name: &'static str,
    schema: ProviderSchema,
    resources: BTreeMap<&'static str, Box<dyn ResourceType>>,
    data_sources: BTreeMap<&'static str, Box<dyn DataSourceType>>,
    ctx: Ctx,
}

impl TableProvider {
    pub fn new(
        name: &'static str,
        host: Arc<dyn Host>,
        resources: Vec<Box<dyn ResourceType>>,
        data_sources: Vec<Box<dyn DataSourceType>>,
    ) -> TableProvider {
        let mut schema = ProviderSchema::default();
        for r in &resources {
            schema.resources.insert(r.name().to_string(), r.schema());
        }
        for d in &data_sources {
            schema.data_sources.insert(d.name().to_string(), d.schema());
        }
        TableProvider {
            name,
            schema,
            resources: resources.into_iter().map(|r| (r.name(), r)).collect(),
            data_sources: data_sources.into_iter().map(|d| (d.name(), d)).collect(),
            ctx: Ctx { host },
        }
    }

    fn resource(&self, type_name: &str) -> Result<&dyn ResourceType, ProviderError> {
        self.resources
            .get(type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| ProviderError::unsupported_type(self.name, type_name))
    }

    fn data_source(&self, type_name: &str) -> Result<&dyn DataSourceType, ProviderError> {
        self.data_sources
            .get(type_name)
            .map(|d| d.as_ref())
            .ok_or_else(|| {
                ProviderError::new(
                    "Invalid data source",
                    format!(
                        "The provider {:?} does not support data source {type_name:?}.",
                        self.name
                    ),
                )
            })
    }
}

#[async_trait]
impl Provider for TableProvider {
    fn name(&self) -> &str {
        self.name
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate_resource(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        match self.resource(type_name) {
            Ok(r) => r.validate(config),
            Err(e) => vec![e.into()],
        }
    }

    fn validate_data_source(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        match self.data_source(type_name) {
            Ok(d) => d.validate(config),
            Err(e) => vec![e.into()],
        }
    }

    async fn plan_resource(&self, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let r = self.resource(&req.type_name)?;
        r.plan(&self.ctx, req).await
    }

    async fn apply_resource(&self, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        let r = self.resource(&req.type_name)?;
        r.apply(&self.ctx, req).await
    }

    async fn read_resource(
        &self,
        type_name: &str,
        current_state: Value,
        _private: Option<Vec<u8>>,
    ) -> Result<Option<Value>, ProviderError> {
        self.resource(type_name)?
            .read(&self.ctx, current_state)
            .await
    }

    async fn import_resource(
        &self,
        type_name: &str,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        self.resource(type_name)?.import(&self.ctx, id).await
    }

    async fn read_data_source(
        &self,
        type_name: &str,
        config: Value,
    ) -> Result<Value, ProviderError> {
        self.data_source(type_name)?.read(&self.ctx, config).await
    }
}

/// Plans a resource whose arguments all force replacement and whose computed attributes are
/// made at create: `defaults` fill arguments the configuration leaves null (as the real
/// providers' schema defaults do); on create, or when a `force_new` attribute changed, every
/// computed attribute that is not a defaulted argument becomes unknown.
pub fn plan_immutable(
    block: &BlockSchema,
    defaults: &[(&str, Value)],
    req: &PlanRequest,
) -> PlanResponse {
    plan_immutable_except(block, defaults, req, |_, _, _| false)
}

/// As [`plan_immutable`], except that a top-level attribute for which `equivalent(name, prior,
/// planned)` holds does not force replacement (it is updated in place).
pub fn plan_immutable_except(
    block: &BlockSchema,
    defaults: &[(&str, Value)],
    req: &PlanRequest,
    equivalent: impl Fn(&str, &Value, &Value) -> bool,
) -> PlanResponse {
    let mut planned = req.proposed_new_state.clone();
    for (name, v) in defaults {
        let unset = req.config.get_attr(name).is_none_or(Value::is_null);
        if unset {
            planned = with_attr(&planned, name, v.clone());
        }
    }
    let requires: Vec<Path> = match &req.prior_state {
        Some(prior) => requires_replace(block, prior, &planned)
            .into_iter()
            .filter(|path| match path.0.as_slice() {
                [PathStep::GetAttr(name)] => {
                    let null = Value::null(terrane_dsl::value::Type::Dynamic);
                    let p = prior.get_attr(name).unwrap_or(&null);
                    let q = planned.get_attr(name).unwrap_or(&null);
                    !equivalent(name, p, q)
                }
                _ => true,
            })
            .collect(),
        None => Vec::new(),
    };
    if req.prior_state.is_none() || !requires.is_empty() {
        planned = terrane_provider::objchange::unknown_unset_computed(
            block,
            &req.config,
            &planned,
            |name| defaults.iter().any(|(d, _)| *d == name),
        );
    }
    PlanResponse {
        planned_state: planned,
        requires_replace: requires,
        planned_private: None,
    }
}

/// The planned state of an apply that is not a destroy.
pub fn planned(req: &ApplyRequest) -> Option<&Value> {
    req.planned_state.as_ref()
}

/// An apply that needs no work: destroy forgets the object, an update records the plan.
pub fn apply_trivially(req: &ApplyRequest) -> ApplyResponse {
    ApplyResponse {
        new_state: req.planned_state.clone(),
        private: None,
    }
}

/// The error for a planned state missing an attribute the apply needs (an engine bug).
pub fn missing(name: &str) -> ProviderError {
    ProviderError::invalid_value(
        "planned state",
        format!("The planned state has no known value for {name:?}."),
    )
    .at_attr(name)
}
