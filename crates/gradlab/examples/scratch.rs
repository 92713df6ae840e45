use gradlab::data::csv::{CsvOptions, Table};
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::fit::{fit, FitSettings};
use gradlab::train::trainer::{BatchSize, Control};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let target = &args[1];
    let lr: f64 = args[2].parse().unwrap();
    let epochs: usize = args[3].parse().unwrap();
    let batch = BatchSize::parse(&args[4]).unwrap();
    let hidden: Vec<usize> = args[5].split(',').map(|s| s.parse().unwrap()).collect();
    let table = Table::read_path("data/fever.csv".as_ref(), &CsvOptions::default()).unwrap();
    let mut spec = DatasetSpec::default();
    spec.target = target.clone();
    spec.inputs = Some(vec!["temp_c".into(), "dose_mg".into()]);
    let ds = Dataset::from_table(&table, &spec).unwrap();
    let mut s = FitSettings::default();
    s.hidden = hidden;
    if let Ok(sc) = std::env::var("SCALE") { s.scaling = serde_json::from_str(&format!("\"{sc}\"")).unwrap(); }
    s.train.learning_rate = lr; s.train.epochs = epochs; s.train.batch_size = batch;
    let t = std::time::Instant::now();
    let out = fit(&ds, &s, |_| Control::Continue).unwrap();
    println!("{:.2}s train {:?}\n test {:?}", t.elapsed().as_secs_f64(), out.train_metrics, out.test_metrics);
    let h = &out.history.epochs;
    for e in h.iter().step_by((h.len()/8).max(1)) { println!("{} {:.5} {:.5}", e.epoch, e.train_cost, e.test_cost.unwrap()); }
    // fresh data
    let fresh = gradlab::data::fever::table(20000, 99);
    let fds = out.model.dataset_from_table(&fresh).unwrap();
    println!("fresh {:?}", out.model.evaluate(&fds).unwrap());
}
