public import FailureReporting

/// A problem with the data handed to a model's training entry point.
///
/// Training functions validate user data and throw these; derivative and prediction functions
/// treat the same conditions as preconditions (they are called on data already validated by
/// `fit`).
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Shapes disagree (feature count, number of labels or weights versus rows).
  case shapeMismatch(String)
  /// `labels[index] = label` is outside `0..<classCount`.
  case labelOutOfRange(index: Int, label: Int)
  /// Weights are negative, non-finite, or sum to zero.
  case invalidWeights(String)
  /// The feature matrix contains NaN or infinity.
  case nonFiniteFeatures
  /// There are no training rows.
  case emptyTrainingSet

  /// A one-line English description.
  public var description: String {
    switch self {
    case .shapeMismatch(let message): "shape mismatch: \(message)"
    case .labelOutOfRange(let index, let label): "label \(label) at row \(index) is out of range"
    case .invalidWeights(let message): "invalid weights: \(message)"
    case .nonFiniteFeatures: "features contain NaN or infinity"
    case .emptyTrainingSet: "the training set is empty"
    }
  }
}

extension ModelError: ClassifiedError {
  /// Labels out of range, non-finite features and an empty training set are bad data (exit 2);
  /// a shape mismatch or invalid weights come from FairMem's own callers (exit 3).
  public var failureKind: FailureKind {
    switch self {
    case .labelOutOfRange, .nonFiniteFeatures, .emptyTrainingSet: .badInput
    case .shapeMismatch, .invalidWeights: .internalFailure
    }
  }
}
