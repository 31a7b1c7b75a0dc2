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

  /// The same error with ``option`` renamed through `names` (a command whose options for the same
  /// setting are spelled differently, e.g. `compare --group-free-batch-size` for `--batch-size`).
  public func renamingOption(_ names: [String: String]) -> GroupFreeError {
    GroupFreeError(option: names[option] ?? option, problem: problem)
  }
}
