//! The network: activations, dense layers, costs, initialisation, and the
//! network that strings them together.

pub mod activation;
pub mod dense;
pub mod init;
pub mod loss;
pub mod network;
pub mod parameter_update;
