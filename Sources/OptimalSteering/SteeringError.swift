public import FailureReporting

/// A steering input that cannot be used (bad specification, bad option) or a numerical failure.
///
/// Bad input names the field in the specification's JSON path form (`covariances[1][0]`,
/// `priors[0][1]`, `reference`), so the CLI can print `error: <field>: <problem>` and exit 2.
/// A solver that does not reach its stated tolerance is an ``FailureKind/internalFailure``
/// (exit 3): the toolkit never reports an unconverged optimum as an answer.
public struct SteeringError: ClassifiedError, Sendable, Equatable {
  /// The field, option or quantity the error is about.
  public let fieldName: String
  /// What is wrong.
  public let problem: String
  /// Bad input (exit 2) or internal failure (exit 3).
  public let failureKind: FailureKind

  public init(field: String, problem: String, kind: FailureKind = .badInput) {
    self.fieldName = field
    self.problem = problem
    self.failureKind = kind
  }

  public var field: String? { fieldName }
  public var description: String { "\(fieldName): \(problem)" }
}
