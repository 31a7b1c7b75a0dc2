public import ArgumentParser
import FailureReporting
import FairMemJSON
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
      CompareCommand.self,
    ],
    defaultSubcommand: nil
  )

  /// What `fairmem --version` prints (and the C ABI's `fairmem_version()` returns).
  public static let versionText = "fairmem 0.1.0 (GLPK \(glpkVersion))"

  public init() {}

  /// Parses the arguments, runs the command and exits with FairMem's exit codes: 2 for bad
  /// input (including invalid options), 1 for `--check` on an infeasible answer.
  public static func runAndExit(_ arguments: [String]? = nil) -> Never {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      Foundation.exit(FairMemExitCode.success)
    } catch let error as FairnessDataError {
      fail("error: \(error)", code: FairMemExitCode.badInput)
    } catch let error as InfeasibleAnswer {
      fail("infeasible: \(error)", code: FairMemExitCode.infeasible)
    } catch let error as any ClassifiedError {
      switch error.failureKind {
      case .badInput: fail("error: \(error)", code: error.failureKind.exitCode)
      case .internalFailure: fail("internal error: \(error)", code: error.failureKind.exitCode)
      }
    } catch let error as ExitCode {
      Foundation.exit(error.rawValue)
    } catch {
      // ArgumentParser's own errors: help and version exit 0; usage errors are bad input (2).
      if exitCode(for: error) == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      fail(fullMessage(for: error), code: FairMemExitCode.badInput)
    }
  }

  private static func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(code)
  }
}
