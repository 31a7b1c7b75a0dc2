public import ArgumentParser
import FailureReporting
import FairnessData
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory

/// The `fairmem` command: its subcommands answer "can memorizing part of the data make a
/// classifier look fair, and how much would it have to memorize?" with checkable witnesses.
public struct FairMemCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "fairmem",
    abstract: "Can memorizing part of the data make a classifier look fair, and how much would it have to memorize?",
    discussion: """
      A memorizing classifier predicts the true label on a memorized subset {D=1} and the base classifier's prediction elsewhere. With x[a][y] = P(D=1, A=a, Y=y) every group and cell rate is affine in x (R1-R3), so "zero statistical parity / equal opportunity / equalized odds bias" is a linear feasibility problem, solved with GLPK. Every answer carries a witness (re-checked with the mixture rule R0) or a Farkas certificate (re-checked in Swift).

      Input: a statistics JSON (groups, classes, population P(A,Y), confusion P(Yhat|Y,A), or counts), see Docs/input-format.md; `fairmem stats` builds it from a predictions CSV. Exit codes: 0 success, 1 infeasible answer under --check, 2 bad input, 3 internal failure.
      """,
    version: versionText,
    subcommands: [
      AnalyzeCommand.self, StatsCommand.self, BiasCommand.self, ExplainCommand.self, FeasibleCommand.self,
      BoundsCommand.self, FrontierCommand.self, SweepCommand.self, ValidateCommand.self, ReweightCommand.self,
      CompareCommand.self, GroupFreeCommand.self, RobustCommand.self, SteerCommand.self,
    ],
    defaultSubcommand: nil
  )

  /// What `fairmem --version` prints (and the C ABI's `fairmem_version()` returns).
  public static let versionText = "fairmem 0.1.0 (GLPK \(glpkVersion))"

  public init() {}

  /// Parses the arguments, runs the command and exits with FairMem's exit codes (see
  /// ``failure(for:)``).
  public static func runAndExit(_ arguments: [String]? = nil) -> Never {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      Foundation.exit(FairMemExitCode.success)
    } catch let error as ExitCode {
      Foundation.exit(error.rawValue)
    } catch {
      // ArgumentParser's own help and version requests exit 0 with their text on stdout.
      if !(error is any ClassifiedError), !(error is InfeasibleAnswer), exitCode(for: error) == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      let (message, code) = failure(for: error)
      FileHandle.standardError.write(Data((message + "\n").utf8))
      Foundation.exit(code)
    }
  }

  /// The message and exit code of a failed run: 1 for an infeasible answer under `--check`; a
  /// library error's own kind (``FailureReporting/ClassifiedError``: 2 for bad input, 3 for an
  /// internal failure); 2 for a usage error of the argument parser.
  public static func failure(for error: any Error) -> (message: String, code: Int32) {
    switch error {
    case let error as InfeasibleAnswer:
      return ("infeasible: \(error)", FairMemExitCode.infeasible)
    case let error as any ClassifiedError:
      let prefix = error.failureKind == .internalFailure ? "internal error" : "error"
      return ("\(prefix): \(error)", error.failureKind.exitCode)
    default:
      return (fullMessage(for: error), FairMemExitCode.badInput)
    }
  }
}
