public import DenseLinearAlgebra
public import FairnessData

/// What a group-free method may see of its training split: features and labels, no group column.
///
/// This type is the only training input of ``GroupFreeTrainer``, so group labels cannot reach
/// training through the API; they are used by ``EpochSelector`` (validation worst-group accuracy,
/// to pick the epoch) and by the final evaluation only.
public struct GroupFreeTrainingSet: Sendable, Equatable {
  /// `n x d` features, one row per sample.
  public let features: Matrix
  /// Binary labels in `{0, 1}`.
  public let labels: [Int]

  /// The features and labels of `dataset`; its groups are dropped.
  ///
  /// - Throws: ``GroupFreeError``: `label` unless the task is binary, `dataset` for an empty split.
  public init(_ dataset: Dataset) throws(GroupFreeError) {
    guard dataset.classCount == 2 else {
      throw GroupFreeError(
        option: "label",
        problem:
          "group-free methods need a binary label, got \(dataset.classCount) classes (\(dataset.classNames.prefix(5).joined(separator: ", "))\(dataset.classCount > 5 ? ", ..." : ""))"
      )
    }
    try self.init(features: dataset.matrix, labels: dataset.labels)
  }

  /// A training set from raw arrays.
  ///
  /// - Throws: ``GroupFreeError`` for an empty set, a length mismatch, a label outside `{0, 1}` or
  ///   a non-finite feature.
  public init(features: Matrix, labels: [Int]) throws(GroupFreeError) {
    guard features.rows > 0, features.columns > 0 else {
      throw GroupFreeError(option: "dataset", problem: "the training split has no rows or no features")
    }
    guard labels.count == features.rows else {
      throw GroupFreeError(option: "dataset", problem: "\(labels.count) labels for \(features.rows) rows")
    }
    guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
      throw GroupFreeError(option: "dataset", problem: "labels must be 0 or 1")
    }
    guard features.isFinite else { throw GroupFreeError(option: "dataset", problem: "a feature is NaN or infinite") }
    self.features = features
    self.labels = labels
  }
}

/// The validation split as seen by training: a score per candidate model (its worst-group
/// accuracy), nothing else. The group labels stay private to this type.
public struct EpochSelector: Sendable {
  let features: Matrix
  private let labels: [Int]
  private let groups: [Int]
  private let groupNames: [String]

  /// A selector on `validation`.
  ///
  /// - Throws: ``GroupFreeError`` (`groups`) when a group has no validation row, there are fewer
  ///   than two groups or a label is not 0 or 1.
  public init(validation: Dataset) throws(GroupFreeError) {
    features = validation.matrix
    labels = validation.labels
    groups = validation.groups
    groupNames = validation.groupNames
    // Checks what scoring needs: at least two groups, none empty, binary labels.
    _ = try GroupOutcomeMetrics(
      labels: labels, groups: groups, predictions: labels, groupNames: groupNames, split: "validation")
  }

  /// The validation accuracy and worst-group accuracy of `predictions` (one per validation row).
  ///
  /// Computed here as `correct_g / n_g` straight from the counts, not through
  /// ``GroupOutcomeMetrics`` (whose rates pass through population masses): the selection compares
  /// epochs, and two epochs with the same counts must score bitwise the same so that ties go to the
  /// first one, whatever the other cells' counts are.
  func score(_ predictions: [Int]) -> (accuracy: Double, worstGroupAccuracy: Double) {
    var correct = [Int](repeating: 0, count: groupNames.count)
    var size = [Int](repeating: 0, count: groupNames.count)
    for i in labels.indices {
      size[groups[i]] += 1
      if predictions[i] == labels[i] { correct[groups[i]] += 1 }
    }
    let worst = (0..<size.count).map { Double(correct[$0]) / Double(size[$0]) }.min()!
    return (Double(correct.reduce(0, +)) / Double(labels.count), worst)
  }
}

extension Dataset {
  /// The names of the feature columns that are constant within every group but not overall:
  /// such a column is a function of the group (for example a one-hot column of the sensitive
  /// attribute, or of one attribute of an intersectional group), so using it as a feature would
  /// hand the groups to a "group-free" method.
  public func featuresEncodingTheGroup() -> [String] {
    var leaking: [String] = []
    for j in 0..<featureCount {
      var valueOfGroup = [Double?](repeating: nil, count: groupCount)
      var constantWithinGroups = true
      for i in 0..<rowCount {
        let v = features[i * featureCount + j]
        if let seen = valueOfGroup[groups[i]] {
          if seen != v {
            constantWithinGroups = false
            break
          }
        } else {
          valueOfGroup[groups[i]] = v
        }
      }
      let values = Set(valueOfGroup.compactMap { $0 })
      if constantWithinGroups && values.count > 1 { leaking.append(featureNames[j]) }
    }
    return leaking
  }
}
