import ArgumentParser
import FairMemJSON
import FairnessStatistics
import MemorizationTheory

/// `fairmem frontier`: least achievable bias for each memorization budget.
struct FrontierCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "frontier",
    abstract: "The mass-vs-bias frontier: least achievable largest |gap| per memorization budget.",
    discussion: """
      For each budget B: minimize t subject to |entry(x)| <= t for every entry and pair of groups, and sum x <= B (an LP). The curve is nonincreasing and convex; at B = 0 it is the base classifier's largest gap. Budgets run evenly from 0 to --max-budget (default: the least zero-bias mass when zero bias is possible, otherwise the total memorizable mass).
      """)

  @OptionGroup var input: StatisticsOptions
  @OptionGroup var selection: MetricSelection
  @Option(help: "Number of budgets (>= 2).") var points: Int = 11
  @Option(help: "Largest budget.") var maxBudget: Double?

  func run() throws {
    guard points >= 2, points <= 100_000 else {
      throw InputError(field: "--points", problem: "must be in 2...100000, got \(points)")
    }
    let loaded = try LoadedStatistics.load(path: input.input, normalize: input.normalize, exact: .never)
    if let m = maxBudget, !(m.isFinite && m >= 0 && m <= 1) {
      throw InputError(field: "--max-budget", problem: "must be in [0, 1], got \(m)")
    }
    let curves = try MemorizationAnalysis.frontiers(
      loaded.statistics, metrics: selection.selectedMetrics,
      favorableClass: try selection.options(for: loaded.statistics).favorableClass, points: points,
      maxBudget: maxBudget)
    if input.json {
      print(try curves.count == 1 ? AnswerJSON.text(report: curves[0]) : AnswerJSON.text(report: curves))
    } else {
      print(curves.map { AnswerText.frontier($0.points, metric: $0.metric) }.joined(separator: "\n\n"))
    }
  }
}
