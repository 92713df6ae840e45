//! One parameter of a network named the way the model file names it:
//! `layers.0.weight[1,0]` (row 1, column 0 of the first layer's weights) or
//! `layers.1.bias[0]`; brute force, landscapes and the front ends pick
//! weights by these names.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::nn::network::Network;
use crate::setting::Setting;
use serde::Serialize;

/// One parameter of a network: tensor `tensor` in the documented order
/// (`layers.0.weight`, `layers.0.bias`, `layers.1.weight`, …) and the flat,
/// row-major index `index` inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParameterRef {
    /// Tensor number: 2·layer for a weight matrix, 2·layer + 1 for a bias.
    pub tensor: usize,
    /// Row-major index within the tensor.
    pub index: usize,
}

impl ParameterRef {
    /// The first `count` parameters in the documented order.
    pub fn first<T: Float>(count: usize, network: &Network<T>) -> Result<Vec<ParameterRef>> {
        let total = network.parameter_count();
        if count == 0 || count > total {
            return Err(Error::setting(
                Setting::Weights,
                format!("{count} (the network has {total} parameters; choose 1 to {total})"),
            ));
        }
        Ok(Self::all(network).into_iter().take(count).collect())
    }

    /// Every parameter, in the documented order.
    pub fn all<T: Float>(network: &Network<T>) -> Vec<ParameterRef> {
        (0..network.tensor_count())
            .flat_map(|tensor| {
                (0..network.tensor(tensor).len()).map(move |index| ParameterRef { tensor, index })
            })
            .collect()
    }

    /// `layers.0.weight[1,0]` (neuron 1, input 0) or `layers.1.bias[0]`.
    pub fn name<T: Float>(&self, network: &Network<T>) -> String {
        let tensor = network.tensor_name(self.tensor);
        if self.tensor.is_multiple_of(2) {
            let inputs = network.layers[self.tensor / 2].inputs();
            format!("{tensor}[{},{}]", self.index / inputs, self.index % inputs)
        } else {
            format!("{tensor}[{}]", self.index)
        }
    }

    /// Parses a name as written by [`ParameterRef::name`]; a weight may also
    /// be given by its flat index (`layers.0.weight[3]`).
    pub fn parse<T: Float>(text: &str, network: &Network<T>) -> Result<ParameterRef> {
        let bad = |why: &str| {
            Error::setting(
                Setting::Params,
                format!("'{text}': {why} (e.g. layers.0.weight[1,0] or layers.1.bias[0])"),
            )
        };
        let (tensor_name, rest) = text
            .trim()
            .split_once('[')
            .ok_or_else(|| bad("no [index]"))?;
        let indices = rest.strip_suffix(']').ok_or_else(|| bad("no closing ]"))?;
        let tensor = (0..network.tensor_count())
            .find(|&t| network.tensor_name(t) == tensor_name)
            .ok_or_else(|| bad("no such tensor"))?;
        let numbers: Vec<usize> = indices
            .split(',')
            .map(|n| n.trim().parse::<usize>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad("the index is not a whole number"))?;
        let index = match (tensor % 2, numbers.as_slice()) {
            (_, [flat]) => *flat,
            (0, [row, col]) => {
                let inputs = network.layers[tensor / 2].inputs();
                if *col >= inputs {
                    return Err(bad("column out of range"));
                }
                row * inputs + col
            }
            _ => return Err(bad("wrong number of indices")),
        };
        if index >= network.tensor(tensor).len() {
            return Err(bad("index out of range"));
        }
        Ok(ParameterRef { tensor, index })
    }

    /// The layer the parameter belongs to (0-based).
    pub fn layer(&self) -> usize {
        self.tensor / 2
    }
}
