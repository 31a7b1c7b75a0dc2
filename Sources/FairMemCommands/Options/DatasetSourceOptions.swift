import ArgumentParser
import FairnessData
import FairnessStatistics

/// The own-data options every empirical command shares: `--csv FILE --label COL --group COL...
/// [--features COL...] [--categorical COL...] [--positive VALUE]`, parsed here once into a
/// ``CSVDatasetSource`` (resolved by FairnessData).
struct DatasetSourceOptions: ParsableArguments {
  @Option(help: "Your own CSV file (with a header row) instead of a built-in dataset.")
  var csv: String?

  @Option(
    name: [.customLong("label"), .customLong("label-column")],
    help: "The label column of --csv (its values are the classes).")
  var label: String?

  @Option(
    name: [.customLong("group"), .customLong("group-column")], parsing: .upToNextOption,
    help: "The sensitive-group column(s) of --csv; several give intersectional groups.")
  var group: [String] = []

  @Option(
    name: [.customLong("features"), .customLong("feature-column")], parsing: .upToNextOption,
    help: "The feature columns of --csv (default: every column but the label and groups).")
  var features: [String] = []

  @Option(
    parsing: .upToNextOption,
    help: "Feature columns of --csv to one-hot encode even if numeric (codes, years); text columns always are.")
  var categorical: [String] = []

  @Option(help: "The label value of --csv that is class 1 (declares a binary label; a third value is an error).")
  var positive: String?

  func validate() throws {
    guard let csv else {
      for (name, given) in [
        ("--label", label != nil), ("--group", !group.isEmpty), ("--features", !features.isEmpty),
        ("--categorical", !categorical.isEmpty), ("--positive", positive != nil),
      ] where given {
        throw InputError(field: name, problem: "applies only with --csv")
      }
      return
    }
    guard !csv.isEmpty else { throw InputError(field: "--csv", problem: "is empty") }
    guard let label, !label.isEmpty else { throw InputError(field: "--label", problem: "is required with --csv") }
    guard !group.isEmpty else { throw InputError(field: "--group", problem: "is required with --csv") }
    if group.contains(label) {
      throw InputError(field: "--group", problem: "'\(label)' is the label column")
    }
    if features.contains(label) {
      throw InputError(field: "--features", problem: "'\(label)' is the label column")
    }
    if let positive, positive.isEmpty { throw InputError(field: "--positive", problem: "is empty") }
  }

  /// The CSV source, or nil without `--csv`.
  var source: CSVDatasetSource? {
    guard let csv, let label else { return nil }
    return CSVDatasetSource(
      path: csv, labelColumn: label, groupColumns: group, featureColumns: features.isEmpty ? nil : features,
      categoricalColumns: categorical, positiveLabel: positive)
  }

  /// The CSV source when `--csv` is given, else the built-in `dataset`.
  func resolved(otherwise dataset: BenchmarkDataset) -> DatasetSource {
    source.map(DatasetSource.csv) ?? .benchmark(dataset)
  }
}
