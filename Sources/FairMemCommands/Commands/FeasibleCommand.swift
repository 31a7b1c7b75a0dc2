import ArgumentParser
import FairMemJSON
import FairnessStatistics
import MemorizationTheory

/// `fairmem feasible`: can memorization reach zero (or eps) bias? With witness or certificate.
struct FeasibleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "feasible",
    abstract: "Decide whether memorizing a subset can make the bias zero (or <= eps).",
    discussion: """
      Solves the LP over memorized masses x[a][y] = P(D=1, A=a, Y=y), 0 <= x <= cap, whose rows are the metric entries (affine in x by R1-R3). A feasible answer carries a witness x that is re-checked by the mixture rule R0; an infeasible one carries a Farkas certificate whose gap L(y) - U(y) > 0 is re-checked in Swift. With --check, exit code 1 when any answer is infeasible.
      """)

  @OptionGroup var input: StatisticsOptions
  @OptionGroup var selection: MetricSelection
  @Flag(help: "Exit with code 1 when some answer is infeasible.") var check = false

  func run() throws {
    try TheoryRun.answers(input: input, selection: selection, check: check, title: "Feasibility")
  }
}

/// `fairmem bounds`: least and most memorized mass, and the closed forms R5-R7.
struct BoundsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bounds",
    abstract: "Least and most memorized mass for zero (or eps) bias, with the closed forms R5-R7.",
    discussion: """
      min / max sum of x subject to zero bias (LP, GLPK), next to the closed forms: R5 (SP mass bounds), R6 (EOpp exact least mass), R7 (EOdds ratio condition). Reports whether they agree.
      """)

  @OptionGroup var input: StatisticsOptions
  @OptionGroup var selection: MetricSelection
  @Flag(help: "Exit with code 1 when some answer is infeasible.") var check = false

  func run() throws {
    try TheoryRun.answers(input: input, selection: selection, check: check, title: "Bounds")
  }
}

/// Shared body of `feasible` and `bounds` (they print the same checked answers).
enum TheoryRun {
  static func answers(input: StatisticsOptions, selection: MetricSelection, check: Bool, title: String) throws {
    let loaded = try LoadedStatistics.load(
      path: input.input, normalize: input.normalize, exact: input.exact ? .required : .never)
    let answers = try MemorizationAnalysis.answers(
      loaded.statistics, metrics: selection.selectedMetrics, options: try selection.options(for: loaded.statistics),
      exactStatistics: loaded.exact)
    if input.json {
      let reports = answers.map(MemorizationAnswerReport.init)
      print(try reports.count == 1 ? AnswerJSON.text(report: reports[0]) : AnswerJSON.text(report: reports))
    } else {
      print("\(title) for \(loaded.source):\n")
      print(answers.map(AnswerText.answer).joined(separator: "\n\n"))
    }
    if check, let bad = answers.first(where: { !$0.feasible }) {
      throw InfeasibleAnswer(description: "\(bad.metric.rawValue): zero bias is infeasible")
    }
  }
}
