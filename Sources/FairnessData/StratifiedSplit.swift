import SeededRandom

/// The validation and test fractions of a train/validation/test split; train gets the rest.
public struct SplitFractions: Sendable, Equatable, Hashable {
  /// Fraction of rows (of every label x group cell) put in the validation part.
  public var validation: Double
  /// Fraction of rows (of every label x group cell) put in the test part.
  public var test: Double

  /// Creates split fractions; train receives `1 - validation - test`.
  public init(validation: Double = 0.15, test: Double = 0.15) {
    self.validation = validation
    self.test = test
  }

  /// The training fraction, `1 - validation - test`.
  public var train: Double { 1 - validation - test }

  /// Throws `.invalidParameter` unless both fractions are in `[0, 1)` and train keeps a positive
  /// fraction.
  public func validate() throws(FairnessDataError) {
    for (name, value) in [("validation", validation), ("test", test)] {
      guard value.isFinite, value >= 0, value < 1 else {
        throw .invalidParameter(name: name, problem: "fraction \(value) is not in [0, 1)")
      }
    }
    guard train > 0 else {
      throw .invalidParameter(
        name: "validation + test", problem: "fractions sum to \(validation + test), leaving no training rows")
    }
  }
}

/// Row indices (into the dataset that was split) of the three parts, each sorted ascending.
public struct SplitIndices: Sendable, Equatable, Hashable {
  /// Rows of the training part.
  public var train: [Int]
  /// Rows of the validation part.
  public var validation: [Int]
  /// Rows of the test part.
  public var test: [Int]

  /// Creates split indices from the three row lists.
  public init(train: [Int], validation: [Int], test: [Int]) {
    self.train = train
    self.validation = validation
    self.test = test
  }
}

extension Dataset {
  /// Seeded stratified partition: the rows of every (group, label) cell are shuffled and dealt
  /// to the parts in proportion to `weights` by the largest-remainder method, so every part holds
  /// each cell's rows in proportion up to one row. Each returned part is sorted ascending.
  func stratifiedPartition(weights: [Double], using rng: inout some RandomNumberGenerator) -> [[Int]] {
    var cells = [[Int]](repeating: [], count: groupCount * classCount)
    for i in 0..<rowCount { cells[groups[i] * classCount + labels[i]].append(i) }
    var parts = [[Int]](repeating: [], count: weights.count)
    for var cell in cells where !cell.isEmpty {
      cell.seededShuffle(using: &rng)
      let sizes = apportion(cell.count, weights: weights)
      var start = 0
      for (p, size) in sizes.enumerated() {
        parts[p].append(contentsOf: cell[start..<(start + size)])
        start += size
      }
    }
    return parts.map { $0.sorted() }
  }

  /// Seeded train/validation/test row indices, stratified by label x group.
  ///
  /// Every (group, label) cell is shuffled with `rng` and divided by the largest-remainder
  /// method, so each part's cell counts are within one row of `fraction * cell size`.
  /// - Throws: `.invalidParameter` for bad fractions, `.emptyGroupInSplit` when a group ends up
  ///   with no rows in some part (possible for tiny groups).
  public func stratifiedSplitIndices(
    fractions: SplitFractions = SplitFractions(), using rng: inout some RandomNumberGenerator
  ) throws(FairnessDataError) -> SplitIndices {
    try fractions.validate()
    let parts = stratifiedPartition(
      weights: [fractions.train, fractions.validation, fractions.test], using: &rng)
    let indices = SplitIndices(train: parts[0], validation: parts[1], test: parts[2])
    try checkGroups(
      [("train", indices.train), ("validation", indices.validation), ("test", indices.test)],
      required: [true, fractions.validation > 0, fractions.test > 0])
    return indices
  }

  /// Seeded train/validation/test split stratified by label x group; see
  /// `stratifiedSplitIndices(fractions:using:)`. Parts are named `"<name>/train"` and so on.
  public func stratifiedSplit(
    fractions: SplitFractions = SplitFractions(), using rng: inout some RandomNumberGenerator
  ) throws(FairnessDataError) -> Split {
    let idx = try stratifiedSplitIndices(fractions: fractions, using: &rng)
    return Split(
      train: subset(idx.train, name: partName("train")),
      validation: subset(idx.validation, name: partName("validation")),
      test: subset(idx.test, name: partName("test")))
  }

  /// The same as `stratifiedSplit(fractions:using:)` with `SplitMix64(seed: seed)`.
  public func stratifiedSplit(
    fractions: SplitFractions = SplitFractions(), seed: UInt64
  ) throws(FairnessDataError) -> Split {
    var rng = SplitMix64(seed: seed)
    return try stratifiedSplit(fractions: fractions, using: &rng)
  }

  func partName(_ part: String) -> String {
    name.map { "\($0)/\(part)" } ?? part
  }

  /// Throws `.emptyGroupInSplit` for the first required part lacking some group.
  func checkGroups(_ parts: [(String, [Int])], required: [Bool]) throws(FairnessDataError) {
    for ((partName, rows), isRequired) in zip(parts, required) where isRequired {
      var seen = [Bool](repeating: false, count: groupCount)
      for i in rows { seen[groups[i]] = true }
      if let g = seen.firstIndex(of: false) {
        throw .emptyGroupInSplit(split: partName, group: groupNames[g])
      }
    }
  }
}
