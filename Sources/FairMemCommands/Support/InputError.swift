import FairMemJSON
import FairnessStatistics
import MemorizationTheory

/// Bad input at the command line (a file, option or field): the same field + problem error the
/// statistics decoder throws. The CLI prints `error: <field>: <problem>` and exits with 2.
typealias InputError = StatisticsError

/// "The answer is infeasible", raised only under `--check`: exit code 1.
public struct InfeasibleAnswer: Error, CustomStringConvertible {
  public let description: String
}

/// The process exit codes of `fairmem` (documented in `Docs/cli.md`).
public enum FairMemExitCode {
  /// Success (also for infeasible answers unless `--check` was given).
  public static let success: Int32 = 0
  /// `--check` was given and some answer is infeasible.
  public static let infeasible: Int32 = 1
  /// Bad input: malformed or invalid statistics, CSV, options or data files.
  public static let badInput: Int32 = 2
  /// An internal failure (solver breakdown): not the user's fault.
  public static let internalFailure: Int32 = 3
}
