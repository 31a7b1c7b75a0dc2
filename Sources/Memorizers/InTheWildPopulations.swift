public import FairnessData
import SeededRandom

/// The training sets `MemorizationInTheWild` studies: the train split of a real benchmark, or a
/// seeded synthetic population, optionally subsampled.
public enum InTheWildPopulations {
  /// Names `trainingSet(named:)` accepts.
  public static let names = ["adult", "compas", "german", "synthetic"]

  /// The training set called `name`:
  ///
  /// - `adult`, `compas` (African-American vs Caucasian), `german` (group sex): the train split
  ///   of `RealDataset.load` with `seed` (Docs/datasets.md);
  /// - `synthetic`: 2000 records drawn i.i.d. (seeded) from two groups (60% / 40%) with base rates
  ///   of the positive class 0.3 and 0.5, five Gaussian features (unit variance) whose class means
  ///   differ by 1 standard deviation in every coordinate and shift by 0.5 with the group, so that
  ///   every model makes errors it can memorize.
  ///
  /// With `maximumRecords`, a simple random sample (seeded) of that many records is kept.
  ///
  /// - Throws: `ValidationInputError` for an unknown name or a bad `maximumRecords`;
  ///   `FairnessDataError.missingFile` ("run bash Scripts/fetch-datasets.sh") and other data errors.
  public static func trainingSet(
    named name: String, directory: String = RealDataset.defaultDirectory, seed: UInt64, maximumRecords: Int? = nil
  ) throws -> Dataset {
    if let maximumRecords, maximumRecords < 10 {
      throw ValidationInputError(field: "max-records", problem: "must be at least 10")
    }
    let full: Dataset
    switch name {
    case "adult", "compas", "german":
      let dataset: RealDataset = name == "adult" ? .adult : name == "compas" ? .compas(.twoRaces) : .german(.sex)
      var train = try dataset.load(from: directory, options: RealDatasetOptions(seed: seed)).split.train
      train.name = name
      full = train
    case "synthetic":
      full = try synthetic(seed: seed)
    default:
      throw ValidationInputError(
        field: "datasets", problem: "unknown dataset '\(name)' (use \(names.joined(separator: ", ")))")
    }
    guard let maximumRecords, maximumRecords < full.rowCount else { return full }
    var rng = SplitMix64(seed: seed ^ 0x5EED_5A3F_1E00_0001)
    let keys = (0..<full.rowCount).map { _ in rng.next() }
    let kept = (0..<full.rowCount).sorted { (keys[$0], $0) < (keys[$1], $1) }.prefix(maximumRecords).sorted()
    return full.subset(kept, name: full.name)
  }

  /// The synthetic training set of `trainingSet(named: "synthetic")`.
  static func synthetic(seed: UInt64) throws(FairnessDataError) -> Dataset {
    let d = 5
    var table: [[Gaussian]] = []
    for a in 0..<2 {
      var row: [Gaussian] = []
      for y in 0..<2 {
        row.append(try Gaussian(mean: Array(repeating: 0.5 * Double(a) + Double(y), count: d)))
      }
      table.append(row)
    }
    let law = try SyntheticPopulation(
      groupProportions: [0.6, 0.4], baseRates: [[0.7, 0.3], [0.5, 0.5]], features: .perGroupAndClass(table),
      groupNames: ["a0", "a1"], classNames: ["0", "1"])
    var rng = SplitMix64(seed: seed ^ 0x51D7_4E71_C000_0002)
    var dataset = try law.sample(count: 2000, scheme: .iid, using: &rng).dataset
    dataset.name = "synthetic"
    return dataset
  }
}
