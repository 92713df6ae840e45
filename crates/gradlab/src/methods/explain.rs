//! The course's hand calculation for a few rows, with the numbers the engine
//! really uses: forward step I, II, III, backprop from the output layer to
//! the hidden layers and on to the input, the batch gradient, and one
//! gradient-descent step.
//!
//! Nothing here is a second implementation of the network. Every number
//! comes from the engine's own code:
//!
//! | shown                         | taken from                                                   |
//! |-------------------------------|--------------------------------------------------------------|
//! | scaled inputs and targets     | [`crate::model::examples`] (what the trainer is fed)          |
//! | z_l, a_l, δ_l                 | the [`Workspace`] after [`Network::gradient`] on that row     |
//! | ∂C/∂W_l, ∂C/∂b_l of a row     | the [`Gradients`] of that same call                          |
//! | W_{l+1}ᵀ·δ_{l+1}              | [`crate::nn::dense::Dense::backward`] (its input gradient)    |
//! | f′(z_l)                       | [`crate::nn::activation::Activation::derivative`]            |
//! | softmax probabilities         | [`Loss::output_transform`]                                   |
//! | the batch gradient            | [`Network::gradient`] on all chosen rows together            |
//! | the update                    | [`OptimizerState::step`] with that batch gradient            |
//!
//! so the batch gradient and the updated weights are bit for bit those of
//! one epoch of [`crate::train::training::train`] with the whole set of
//! chosen rows as one batch (`BatchSize::Full`, no shuffling), in the same
//! precision.
//!
//! # Notation
//!
//! The course writes one sample as a column vector; the engine stacks the
//! samples of a batch as rows and computes the same products transposed
//! (see [`crate::nn::network`]):
//!
//! ```text
//! one row, column vectors (shown)            batch, samples as rows (computed)
//! z_l = W_l · a_{l−1} + b_l                  Z_l = A_{l−1} · W_lᵀ + 1·b_lᵀ
//! a_l = f_l(z_l)                             A_l = f_l(Z_l)
//! ∂C/∂W_l = δ_l · a_{l−1}ᵀ                   ∂C/∂W_l = Δ_lᵀ · A_{l−1}
//! ∂C/∂b_l = δ_l                              ∂C/∂b_l = Δ_lᵀ · 1
//! δ_l = (W_{l+1}ᵀ · δ_{l+1}) ⊙ f′_l(z_l)     Δ_l = (Δ_{l+1} · W_{l+1}) ⊙ f′_l(Z_l)
//! ```
//!
//! Layers are numbered from 1 here (a₀ = x); layer l is `layers.{l−1}` in
//! the model file.
//!
//! # Sum and mean
//!
//! Each row's numbers come from a pass over that row alone, so its cost C_s
//! and gradient ∂C_s/∂θ are the row's own. The trainer's cost is the mean
//! C = 1/B · Σ_s C_s, so its gradient is the mean of the rows' gradients.
//! The course writes the cost of a batch as a sum E instead (see
//! [`crate::nn::loss`]):
//!
//! ```text
//! MSE:           E = Σ_s ½ Σ_k (ŷ_sk − y_sk)²     C = 2/(B·K) · E
//! cross-entropy: E = Σ_s −ln p_s,y_s              C = 1/B · E
//! ```
//!
//! so ∂C/∂θ = c · ∂E/∂θ with the same constant c ([`CourseForm::factor`]),
//! and a learning rate η on C is the learning rate η·c on E.

use crate::data::dataset::{Dataset, Target};
use crate::data::scale::Scaler;
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::model::examples;
use crate::model::ModelInfo;
use crate::nn::activation::Activation;
use crate::nn::dense::DenseGradient;
use crate::nn::loss::{Loss, Targets};
use crate::nn::network::{Architecture, Gradients, Network, Workspace};
use crate::setting::Setting;
use crate::train::optimizer::{Optimizer, OptimizerState};
use crate::train::trainer::{Examples, TrainSettings};
use serde::Serialize;

/// How the one update step is taken.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateSettings {
    /// Learning rate η.
    pub learning_rate: f64,
    /// The update rule; plain gradient descent by default.
    pub optimizer: Optimizer,
    /// Weight decay λ; `None`: the optimizer's default (as in training).
    pub weight_decay: Option<f64>,
}

impl Default for UpdateSettings {
    /// Plain gradient descent with the trainer's default learning rate.
    fn default() -> Self {
        UpdateSettings {
            learning_rate: TrainSettings::default().learning_rate,
            optimizer: Optimizer::Sgd,
            weight_decay: None,
        }
    }
}

impl UpdateSettings {
    /// Checks the learning rate and the optimizer's hyper-parameters.
    pub fn validate(&self) -> Result<()> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::setting(
                Setting::LearningRate,
                format!("{} (must be a positive number)", self.learning_rate),
            ));
        }
        self.optimizer.validate()
    }
}

/// A matrix as shown: row-major values converted to f64 (exactly: every
/// f32 is an f64).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// `rows · cols` values, row by row.
    pub values: Vec<f64>,
}

impl Grid {
    fn from_matrix<T: Float>(m: &Matrix<T>) -> Self {
        Grid {
            rows: m.rows(),
            cols: m.cols(),
            values: m.as_slice().iter().map(|v| v.as_f64()).collect(),
        }
    }

    /// The value at (`row`, `col`).
    pub fn get(&self, row: usize, col: usize) -> f64 {
        self.values[row * self.cols + col]
    }

    /// Row `row` as a slice.
    pub fn row(&self, row: usize) -> &[f64] {
        &self.values[row * self.cols..(row + 1) * self.cols]
    }
}

/// A weight matrix and a bias vector: one layer's parameters, or their
/// gradient (same shapes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerTensors {
    /// W_l or ∂C/∂W_l, `n_out × n_in`.
    pub weight: Grid,
    /// b_l or ∂C/∂b_l, `n_out`.
    pub bias: Vec<f64>,
}

impl LayerTensors {
    /// Every value in the engine's parameter order (weight row-major, then bias).
    pub fn flat(&self) -> impl Iterator<Item = f64> + '_ {
        self.weight.values.iter().chain(&self.bias).copied()
    }
}

/// Every layer's tensors as one list in the engine's parameter order (as
/// [`Network::to_flat`]).
pub fn flatten(layers: &[LayerTensors]) -> Vec<f64> {
    layers.iter().flat_map(LayerTensors::flat).collect()
}

/// One layer, forward and backward, for one row (column vectors).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerStep {
    /// f_l; the output layer's is `linear` (a softmax belongs to the cost).
    pub activation: Activation,
    /// z_l = W_l · a_{l−1} + b_l, `n_l`.
    pub z: Vec<f64>,
    /// a_l = f_l(z_l), `n_l`.
    pub a: Vec<f64>,
    /// Hidden layers only: W_{l+1}ᵀ · δ_{l+1} = ∂C/∂a_l, `n_l`.
    pub from_next: Option<Vec<f64>>,
    /// Hidden layers only: f′_l(z_l), `n_l`.
    pub derivative: Option<Vec<f64>>,
    /// δ_l = ∂C/∂z_l, `n_l`.
    pub delta: Vec<f64>,
    /// ∂C/∂W_l = δ_l · a_{l−1}ᵀ, `n_l × n_{l−1}`.
    pub weight_gradient: Grid,
    /// ∂C/∂b_l = δ_l, `n_l`.
    pub bias_gradient: Vec<f64>,
}

/// A row's target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TargetValue {
    /// Regression: the value in the file and scaled as the network sees it.
    Value {
        /// In the target's units.
        raw: f64,
        /// Scaled by the target scaler (y).
        scaled: f64,
    },
    /// Classification: the class.
    Class {
        /// Index into the labels (the output neuron).
        index: usize,
        /// The class name.
        label: String,
    },
}

/// What the network outputs for a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum OutputValue {
    /// Regression: ŷ = z_L.
    Value {
        /// ŷ in scaled units.
        scaled: Vec<f64>,
        /// ŷ in the target's units (the target scaler's inverse).
        in_target_units: Vec<f64>,
    },
    /// Classification: p = softmax(z_L).
    Probabilities {
        /// One probability per class, in label order.
        probabilities: Vec<f64>,
        /// The most probable class.
        predicted: usize,
    },
}

/// Forward I, II, III and backprop for one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowExplanation {
    /// The 1-based data row of the file (the header is row 0).
    pub data_row: usize,
    /// The inputs as in the file.
    pub raw_inputs: Vec<f64>,
    /// x = a₀: the inputs scaled, as the network sees them.
    pub scaled_inputs: Vec<f64>,
    /// The row's target.
    pub target: TargetValue,
    /// One entry per dense layer, input side first.
    pub layers: Vec<LayerStep>,
    /// The output, and in the target's units.
    pub output: OutputValue,
    /// C_s, this row's cost.
    pub cost: f64,
}

/// The course's sum form of the batch cost, next to the trainer's mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseForm {
    /// E = Σ_s ½ Σ_k (ŷ_sk − y_sk)² (MSE) or Σ_s −ln p_s,y_s (cross-entropy).
    pub cost: f64,
    /// c in C = c · E and ∂C/∂θ = c · ∂E/∂θ: 2/(B·K) (MSE) or 1/B.
    pub factor: f64,
    /// ∂E/∂θ = (∂C/∂θ) / c, from the trainer's gradient.
    pub gradient: Vec<LayerTensors>,
}

/// The gradient of the chosen rows as one batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchExplanation {
    /// B, the number of rows.
    pub rows: usize,
    /// C = 1/B · Σ_s C_s, the trainer's (mean) cost of the batch.
    pub cost: f64,
    /// Σ_s ∂C_s/∂θ, the rows' gradients added up (in the network's precision).
    pub sum: Vec<LayerTensors>,
    /// 1/B · Σ_s ∂C_s/∂θ.
    pub mean: Vec<LayerTensors>,
    /// ∂C/∂θ from one backprop pass over all rows together: what the
    /// trainer steps with. Equal to `mean` up to rounding (the sums are
    /// taken in another order).
    pub trainer: Vec<LayerTensors>,
    /// The same batch in the course's sum form.
    pub course: CourseForm,
}

/// One update step with the batch gradient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateExplanation {
    /// The update rule.
    pub optimizer: Optimizer,
    /// η.
    pub learning_rate: f64,
    /// λ.
    pub weight_decay: f64,
    /// η · c: the same step written on the course's sum E (plain gradient
    /// descent).
    pub course_learning_rate: f64,
    /// The parameters before the step.
    pub before: Vec<LayerTensors>,
    /// The parameters after the step.
    pub after: Vec<LayerTensors>,
    /// C of the batch before the step ([`Network::cost`]).
    pub cost_before: f64,
    /// C of the batch after the step.
    pub cost_after: f64,
}

/// The whole hand calculation for a few rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Layer sizes, activations and cost.
    pub architecture: Architecture,
    /// The precision every number was computed in.
    pub precision: Precision,
    /// Input column names.
    pub input_names: Vec<String>,
    /// Target column name.
    pub target_name: String,
    /// Class labels (classification); empty for regression.
    pub labels: Vec<String>,
    /// The input scaler (Forward I).
    pub input_scaler: Scaler,
    /// Regression: the target scaler (Forward III).
    pub target_scaler: Option<Scaler>,
    /// W_l and b_l of every layer, as used in the forward pass.
    pub parameters: Vec<LayerTensors>,
    /// Forward and backward, row by row (each row on its own).
    pub rows: Vec<RowExplanation>,
    /// The rows as one batch.
    pub batch: BatchExplanation,
    /// One step with the batch gradient.
    pub update: UpdateExplanation,
}

/// Explains `network` on the rows `rows` (0-based indices of `dataset`;
/// reported 1-based as data rows), scaled by `info`'s scalers, and takes
/// one step as `update` says. `info` must describe `network` and `dataset`
/// (its architecture, inputs and task).
pub fn explain<T: Float>(
    network: &Network<T>,
    dataset: &Dataset,
    rows: &[usize],
    info: &ModelInfo,
    update: &UpdateSettings,
) -> Result<Explanation> {
    update.validate()?;
    check_inputs(network, dataset, rows, info)?;
    let chosen = examples::<T>(dataset, rows, info);
    let part = dataset.subset(rows);

    let mut row_gradients = Vec::with_capacity(rows.len());
    let mut explained = Vec::with_capacity(rows.len());
    for (s, &row) in rows.iter().enumerate() {
        let single = row_examples(&chosen, s);
        let (mut explanation, gradients) = explain_row(network, &single, info);
        explanation.data_row = row + 1;
        explanation.raw_inputs = part.inputs.row(s).to_vec();
        explanation.target = target_value(&part.target, &single, s);
        explained.push(explanation);
        row_gradients.push(gradients);
    }

    // The trainer's batch gradient: one pass over all rows together.
    let mut workspace = Workspace::new(network.architecture(), chosen.len());
    let mut trainer = Gradients::zeros_like(network);
    let batch_cost = network.gradient(
        &chosen.inputs,
        &chosen.targets,
        &mut workspace,
        &mut trainer,
    );
    let (sum, mean) = sum_and_mean(network, &row_gradients);

    let factor = course_factor(network.loss(), chosen.len(), network.outputs());
    let trainer_shown = tensors_of_gradients(&trainer);
    let course = CourseForm {
        cost: batch_cost / factor,
        factor,
        gradient: trainer_shown
            .iter()
            .map(|layer| LayerTensors {
                weight: Grid {
                    values: layer.weight.values.iter().map(|g| g / factor).collect(),
                    ..layer.weight.clone()
                },
                bias: layer.bias.iter().map(|g| g / factor).collect(),
            })
            .collect(),
    };

    // One step, exactly as the trainer takes it.
    let weight_decay = update
        .weight_decay
        .unwrap_or_else(|| update.optimizer.default_weight_decay());
    let mut stepped = network.clone();
    let mut optimizer = OptimizerState::new(update.optimizer, weight_decay, network)?;
    // A step to non-finite weights shows as a non-finite cost after it.
    let _all_finite = optimizer.step(&mut stepped, &trainer, update.learning_rate);
    let cost_before = network.cost(&chosen.inputs, &chosen.targets, &mut workspace);
    let cost_after = stepped.cost(&chosen.inputs, &chosen.targets, &mut workspace);

    let parameters = tensors_of_network(network);
    Ok(Explanation {
        architecture: network.architecture().clone(),
        precision: precision_of::<T>(),
        input_names: dataset.input_names.clone(),
        target_name: dataset.target_name.clone(),
        labels: info.labels.clone(),
        input_scaler: info.input_scaler.clone(),
        target_scaler: info.target_scaler.clone(),
        parameters: parameters.clone(),
        rows: explained,
        batch: BatchExplanation {
            rows: chosen.len(),
            cost: batch_cost,
            sum: tensors_of_gradients(&sum),
            mean: tensors_of_gradients(&mean),
            trainer: trainer_shown,
            course,
        },
        update: UpdateExplanation {
            optimizer: update.optimizer,
            learning_rate: update.learning_rate,
            weight_decay,
            course_learning_rate: update.learning_rate * factor,
            before: parameters,
            after: tensors_of_network(&stepped),
            cost_before,
            cost_after,
        },
    })
}

/// c in C = c · E: 2/(B·K) for the MSE, 1/B for the cross-entropy.
pub fn course_factor(loss: Loss, rows: usize, outputs: usize) -> f64 {
    match loss {
        Loss::Mse => 2.0 / (rows * outputs) as f64,
        Loss::SoftmaxCrossEntropy => 1.0 / rows as f64,
    }
}

fn check_inputs<T: Float>(
    network: &Network<T>,
    dataset: &Dataset,
    rows: &[usize],
    info: &ModelInfo,
) -> Result<()> {
    if rows.is_empty() {
        return Err(Error::setting(Setting::Rows, "no rows chosen"));
    }
    if let Some(&row) = rows.iter().find(|&&r| r >= dataset.rows()) {
        return Err(Error::setting(
            Setting::Rows,
            format!(
                "data row {} is beyond the last data row ({})",
                row + 1,
                dataset.rows()
            ),
        ));
    }
    if network.architecture() != &info.architecture {
        return Err(Error::setting(
            Setting::Architecture,
            "the network does not match the model information",
        ));
    }
    if dataset.inputs.cols() != network.inputs()
        || info.input_scaler.columns() != network.inputs()
        || dataset.task() != info.task
    {
        return Err(Error::setting(
            Setting::Data,
            "the data's inputs or task do not match the network",
        ));
    }
    Ok(())
}

/// Row `s` of `chosen` as a batch of one.
fn row_examples<T: Float>(chosen: &Examples<T>, s: usize) -> Examples<T> {
    let mut inputs = Matrix::zeros(1, chosen.inputs.cols());
    inputs.gather_rows(&chosen.inputs, &[s]);
    let mut targets = chosen.targets.with_capacity_like(1);
    targets.gather(&chosen.targets, &[s]);
    Examples { inputs, targets }
}

/// Forward and backward over one row, read back from the engine's buffers.
/// The caller fills in what the engine's buffers do not hold: the data row,
/// the raw inputs and the target.
fn explain_row<T: Float>(
    network: &Network<T>,
    single: &Examples<T>,
    info: &ModelInfo,
) -> (RowExplanation, Gradients<T>) {
    let mut workspace = Workspace::new(network.architecture(), 1);
    let mut gradients = Gradients::zeros_like(network);
    let cost = network.gradient(
        &single.inputs,
        &single.targets,
        &mut workspace,
        &mut gradients,
    );
    let last = network.layers.len() - 1;
    let to_f64 = |values: &[T]| values.iter().map(|v| v.as_f64()).collect::<Vec<f64>>();
    let layers = (0..=last)
        .map(|l| {
            let activation = network.architecture().activation(l);
            let z = workspace.pre_activation(l).row(0);
            let a = workspace.activation(l).row(0);
            let (from_next, derivative) = if l < last {
                // W_{l+1}ᵀ·δ_{l+1}: the input gradient of the next layer's backward.
                let next = &network.layers[l + 1];
                let mut scratch = DenseGradient::zeros_like(next);
                let mut upstream = Matrix::zeros(1, next.inputs());
                next.backward(
                    workspace.activation(l),
                    workspace.delta(l + 1),
                    &mut scratch,
                    Some(&mut upstream),
                );
                let derivative: Vec<T> = z
                    .iter()
                    .zip(a)
                    .map(|(&z, &a)| activation.derivative(z, a))
                    .collect();
                (Some(to_f64(upstream.row(0))), Some(to_f64(&derivative)))
            } else {
                (None, None)
            };
            LayerStep {
                activation,
                z: to_f64(z),
                a: to_f64(a),
                from_next,
                derivative,
                delta: to_f64(workspace.delta(l).row(0)),
                weight_gradient: Grid::from_matrix(&gradients.layers[l].weight),
                bias_gradient: to_f64(&gradients.layers[l].bias),
            }
        })
        .collect();
    let z_out = workspace.pre_activation(last);
    let output = match &info.target_scaler {
        Some(scaler) if network.loss() == Loss::Mse => {
            let scaled = to_f64(z_out.row(0));
            let in_target_units = scaled.iter().map(|&y| scaler.inverse_value(0, y)).collect();
            OutputValue::Value {
                scaled,
                in_target_units,
            }
        }
        _ => {
            let mut p = z_out.clone();
            network.loss().output_transform(&mut p);
            let probabilities = to_f64(p.row(0));
            OutputValue::Probabilities {
                predicted: crate::metrics::argmax(&probabilities),
                probabilities,
            }
        }
    };
    let explanation = RowExplanation {
        data_row: 0,
        raw_inputs: Vec::new(),
        scaled_inputs: to_f64(single.inputs.row(0)),
        target: TargetValue::Value {
            raw: f64::NAN,
            scaled: f64::NAN,
        },
        layers,
        output,
        cost,
    };
    (explanation, gradients)
}

/// Row `s`'s target: from the file (`raw`) and as the network sees it.
fn target_value<T: Float>(raw: &Target, single: &Examples<T>, s: usize) -> TargetValue {
    match (raw, &single.targets) {
        (Target::Regression(values), Targets::Values(scaled)) => TargetValue::Value {
            raw: values[s],
            scaled: scaled.get(0, 0).as_f64(),
        },
        (Target::Classification { labels, classes }, _) => TargetValue::Class {
            index: classes[s],
            label: labels[classes[s]].clone(),
        },
        (Target::Regression(_), Targets::Classes { .. }) => {
            unreachable!("checked: the data's task matches the network's")
        }
    }
}

/// Σ_s g_s and Σ_s g_s / B, added in row order in precision `T`.
fn sum_and_mean<T: Float>(
    network: &Network<T>,
    per_row: &[Gradients<T>],
) -> (Gradients<T>, Gradients<T>) {
    let mut sum = Gradients::zeros_like(network);
    for gradients in per_row {
        for (total, part) in sum.slices_mut().zip(gradients.slices()) {
            for (t, &g) in total.iter_mut().zip(part) {
                *t += g;
            }
        }
    }
    let mut mean = sum.clone();
    let count = T::from_f64(per_row.len() as f64);
    for slice in mean.slices_mut() {
        for g in slice {
            *g /= count;
        }
    }
    (sum, mean)
}

fn tensors_of_network<T: Float>(network: &Network<T>) -> Vec<LayerTensors> {
    network
        .layers
        .iter()
        .map(|layer| LayerTensors {
            weight: Grid::from_matrix(&layer.weight),
            bias: layer.bias.iter().map(|b| b.as_f64()).collect(),
        })
        .collect()
}

fn tensors_of_gradients<T: Float>(gradients: &Gradients<T>) -> Vec<LayerTensors> {
    gradients
        .layers
        .iter()
        .map(|layer| LayerTensors {
            weight: Grid::from_matrix(&layer.weight),
            bias: layer.bias.iter().map(|b| b.as_f64()).collect(),
        })
        .collect()
}

fn precision_of<T: Float>() -> Precision {
    if T::BYTES == 8 {
        Precision::F64
    } else {
        Precision::F32
    }
}
