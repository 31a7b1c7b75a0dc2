/// A labelled tabular dataset with one sensitive-group index per row.
///
/// Features are stored row-major in one flat array: feature `j` of row `i` is
/// `features[i * featureCount + j]`. Labels are class indices in `0..<classCount` and groups are
/// group indices in `0..<groupCount`; `classNames` and `groupNames` give their meaning. The
/// initializer checks every invariant (sizes, index ranges, finite features), so a `Dataset` value
/// is always well formed.
public struct Dataset: Sendable, Equatable {
  /// An optional human-readable name, such as `"adult/train"`.
  public var name: String?
  /// Row-major feature matrix with `rowCount * featureCount` finite entries.
  public let features: [Double]
  /// Number of rows (examples).
  public let rowCount: Int
  /// Number of feature columns.
  public let featureCount: Int
  /// One name per feature column (for one-hot columns `"column=value"`).
  public let featureNames: [String]
  /// One class index per row, in `0..<classNames.count`.
  public let labels: [Int]
  /// The name of every class; `classNames[k]` describes label `k`.
  public let classNames: [String]
  /// One group index per row, in `0..<groupNames.count`.
  public let groups: [Int]
  /// The name of every group; `groupNames[g]` describes group `g`.
  public let groupNames: [String]

  /// Creates a dataset after checking that the arrays agree.
  ///
  /// - Throws: `FairnessDataError.invalidDataset` when sizes disagree or an index is out of
  ///   range, `.nonFiniteFeature` when a feature is NaN or infinite.
  public init(
    features: [Double], featureNames: [String], labels: [Int], classNames: [String],
    groups: [Int], groupNames: [String], name: String? = nil
  ) throws(FairnessDataError) {
    let rows = labels.count
    let width = featureNames.count
    guard groups.count == rows else {
      throw .invalidDataset(problem: "\(labels.count) labels but \(groups.count) group indices")
    }
    guard features.count == rows * width else {
      throw .invalidDataset(
        problem: "\(features.count) feature values, expected \(rows) rows x \(width) features")
    }
    guard !classNames.isEmpty else { throw .invalidDataset(problem: "no class names") }
    guard !groupNames.isEmpty else { throw .invalidDataset(problem: "no group names") }
    for (i, y) in labels.enumerated() where y < 0 || y >= classNames.count {
      throw .invalidDataset(problem: "label \(y) of row \(i) is outside 0..<\(classNames.count)")
    }
    for (i, g) in groups.enumerated() where g < 0 || g >= groupNames.count {
      throw .invalidDataset(problem: "group \(g) of row \(i) is outside 0..<\(groupNames.count)")
    }
    for (k, x) in features.enumerated() where !x.isFinite {
      throw .nonFiniteFeature(feature: featureNames[k % width], row: k / width, value: x)
    }
    self.init(
      unchecked: features, featureNames: featureNames, labels: labels, classNames: classNames,
      groups: groups, groupNames: groupNames, name: name)
  }

  /// Internal initializer for values already known to be valid.
  init(
    unchecked features: [Double], featureNames: [String], labels: [Int], classNames: [String],
    groups: [Int], groupNames: [String], name: String?
  ) {
    self.features = features
    self.featureNames = featureNames
    self.featureCount = featureNames.count
    self.labels = labels
    self.rowCount = labels.count
    self.classNames = classNames
    self.groups = groups
    self.groupNames = groupNames
    self.name = name
  }

  /// The number of classes `K` (the length of `classNames`).
  public var classCount: Int { classNames.count }
  /// The number of groups `G` (the length of `groupNames`).
  public var groupCount: Int { groupNames.count }

  /// The features of row `i` as a slice of `features`.
  public func row(_ i: Int) -> ArraySlice<Double> {
    features[(i * featureCount)..<((i + 1) * featureCount)]
  }

  /// Feature `column` of row `row`.
  public func feature(row: Int, column: Int) -> Double {
    features[row * featureCount + column]
  }

  /// The index of the feature called `name`, or `nil`.
  public func featureIndex(named name: String) -> Int? {
    featureNames.firstIndex(of: name)
  }

  /// The rows at `indices`, in that order (indices may repeat). Names and class/group
  /// vocabularies are kept, so group and class indices keep their meaning.
  ///
  /// - Precondition: every index is in `0..<rowCount`.
  public func subset(_ indices: some Collection<Int>, name: String? = nil) -> Dataset {
    var x = [Double]()
    x.reserveCapacity(indices.count * featureCount)
    var y = [Int]()
    y.reserveCapacity(indices.count)
    var a = [Int]()
    a.reserveCapacity(indices.count)
    for i in indices {
      precondition(i >= 0 && i < rowCount, "row index \(i) outside 0..<\(rowCount)")
      x.append(contentsOf: row(i))
      y.append(labels[i])
      a.append(groups[i])
    }
    return Dataset(
      unchecked: x, featureNames: featureNames, labels: y, classNames: classNames, groups: a,
      groupNames: groupNames, name: name ?? self.name)
  }

  /// A copy whose features are replaced by `newFeatures` (same shape), used by transforms.
  func replacingFeatures(_ newFeatures: [Double]) -> Dataset {
    precondition(newFeatures.count == features.count)
    return Dataset(
      unchecked: newFeatures, featureNames: featureNames, labels: labels, classNames: classNames,
      groups: groups, groupNames: groupNames, name: name)
  }

  /// The number of rows in each group, indexed by group.
  public func groupCounts() -> [Int] {
    var counts = [Int](repeating: 0, count: groupCount)
    for g in groups { counts[g] += 1 }
    return counts
  }

  /// The number of rows in each class, indexed by class.
  public func classCounts() -> [Int] {
    var counts = [Int](repeating: 0, count: classCount)
    for y in labels { counts[y] += 1 }
    return counts
  }

  /// `jointCounts()[g][k]` is the number of rows in group `g` with label `k`.
  public func jointCounts() -> [[Int]] {
    var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: groupCount)
    for i in 0..<rowCount { counts[groups[i]][labels[i]] += 1 }
    return counts
  }

  /// The empirical joint law: `empiricalJoint()[g][k]` = (rows in group `g` with label `k`) /
  /// `rowCount` (all zeros for an empty dataset).
  public func empiricalJoint() -> [[Double]] {
    let n = Double(Swift.max(rowCount, 1))
    return jointCounts().map { $0.map { Double($0) / n } }
  }
}

/// Train, validation and test parts of one dataset, sharing feature, class and group vocabularies.
public struct Split: Sendable, Equatable {
  /// The part used to fit models (and preprocessing statistics).
  public var train: Dataset
  /// The part used for model selection.
  public var validation: Dataset
  /// The held-out part used for final evaluation.
  public var test: Dataset

  /// Creates a split from its three parts.
  public init(train: Dataset, validation: Dataset, test: Dataset) {
    self.train = train
    self.validation = validation
    self.test = test
  }

  /// The three parts with their names, in the order train, validation, test.
  public var parts: [(name: String, dataset: Dataset)] {
    [("train", train), ("validation", validation), ("test", test)]
  }

  /// Throws `.emptyGroupInSplit` when some group has no member in some part.
  public func requireEveryGroupPresent() throws(FairnessDataError) {
    for (name, part) in parts {
      for (g, count) in part.groupCounts().enumerated() where count == 0 {
        throw .emptyGroupInSplit(split: name, group: part.groupNames[g])
      }
    }
  }
}
