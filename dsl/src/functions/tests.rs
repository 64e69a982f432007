//! Tests of the function library against results from Terraform.
