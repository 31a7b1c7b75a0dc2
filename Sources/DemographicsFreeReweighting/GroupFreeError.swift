public import FailureReporting

/// Why a group-free reweighting run could not be done. Every case is bad input (exit 2) and names
/// the option or field at fault.
public struct GroupFreeError: ClassifiedError, Equatable {
  /// The option or field at fault (for example `--neighbours`).
  public let option: String
  /// What is wrong with it.
  public let problem: String

  /// An error about `option`.
  public init(option: String, problem: String) {
    self.option = option
    self.problem = problem
  }

  /// Always bad input: every failure here is about the data or the options.
  public var failureKind: FailureKind { .badInput }
  /// The option at fault.
  public var field: String? { option }
  /// `<option>: <problem>`.
  public var description: String { "\(option): \(problem)" }
}
