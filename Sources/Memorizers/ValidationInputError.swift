public import FailureReporting

/// Bad input to the validation entry points (an option out of range, an unknown model name, a
/// population too small to cross-fit): exit code 2 with the field named.
public struct ValidationInputError: ClassifiedError, Equatable {
  /// The option or field that is wrong.
  public var fieldName: String
  /// What is wrong with it.
  public var problem: String

  /// Creates the error.
  public init(field: String, problem: String) {
    self.fieldName = field
    self.problem = problem
  }

  /// Always `.badInput`.
  public var failureKind: FailureKind { .badInput }
  /// See `fieldName`.
  public var field: String? { fieldName }
  /// `<field>: <problem>`.
  public var description: String { "\(fieldName): \(problem)" }
}
