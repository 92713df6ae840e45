//! The network: activations, dense layers, costs, initialisation, and the
//! network that strings them together, and its gradient by central
//! differences ([`numerical_gradient`]).

pub mod activation;
pub mod dense;
pub mod init;
pub mod loss;
pub mod network;
pub mod numerical_gradient;
pub mod parameter_ref;
pub mod parameter_update;
