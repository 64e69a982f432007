//! Data sources: the caller's identity, the region and partition, availability zones, VPCs,
//! subnets, AMIs.

pub mod ami;
pub mod availability_zones;
pub mod caller_identity;
pub mod partition;
pub mod vpc;

use crate::common::DataSourceType;

/// Every data source of the provider.
pub fn data_sources() -> Vec<Box<dyn DataSourceType>> {
    vec![
        Box::new(caller_identity::CallerIdentity),
        Box::new(caller_identity::Region),
        Box::new(availability_zones::AvailabilityZones),
        Box::new(vpc::VpcData),
        Box::new(vpc::Subnets),
        Box::new(ami::Ami),
        Box::new(partition::Partition),
    ]
}
