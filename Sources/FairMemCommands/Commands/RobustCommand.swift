import ArgumentParser
import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory

/// `fairmem robust`: feasibility and least mass that survive estimation error (counts input).
struct RobustCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "robust",
    abstract: "Feasibility and least memorized mass that survive sampling error (needs counts).",
    discussion: """
      box: a simultaneous Clopper-Pearson/Bonferroni confidence region for the cell masses, base rates and confusion rates the metric uses; verdict certainly_feasible (one memorization reaches the target for every population in the region, checked at the region's extremes), certainly_infeasible (no population in the region admits any memorization, checked Farkas certificate) or undetermined, the least-mass interval over the region with a witness at each end, and for undetermined verdicts the count scaling that settles it. bayes: Jeffreys-Dirichlet posterior draws solved on all cores, the posterior probability of feasibility and quantiles of the least mass. See Docs/robust.md.
      """)

  @Argument(
    help:
      "Statistics JSON with \"counts\" (see Docs/input-format.md); '-' reads standard input; default: the built-in example as counts of 1000 records."
  )
  var input: String?
  @OptionGroup var selection: MetricSelection
  @Option(help: "Confidence (box) and credibility (bayes) level, in (0, 1).") var level: Double = 0.95
  @Option(help: "box (confidence region), bayes (posterior draws) or both.") var method: String = "both"
  @Option(help: "Posterior draws (bayes).") var draws: Int = 2000
  @Option(help: "Seed of the posterior draws.") var seed: UInt64 = 0
  @Option(help: "Worker threads for the posterior draws (default: all cores).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount
  @Flag(help: "Print JSON instead of text.") var json = false

  func validate() throws {
    guard level.isFinite, level > 0, level < 1 else {
      throw InputError(field: "--level", problem: "must be in (0, 1), got \(level)")
    }
    guard RobustMethod(rawValue: method) != nil else {
      throw InputError(field: "--method", problem: "unknown method '\(method)' (use box, bayes or both)")
    }
    guard seed <= UInt64(Int.max) else {
      throw InputError(field: "--seed", problem: "must be at most \(Int.max), got \(seed)")
    }
    guard draws >= 1 else { throw InputError(field: "--draws", problem: "must be at least 1, got \(draws)") }
    guard threads >= 1, threads <= 1024 else { throw InputError(field: "--threads", problem: "must be in 1...1024") }
  }

  func run() throws {
    let loaded =
      try input.map { try LoadedStatistics.load(path: $0, normalize: false, exact: .never) }
      ?? LoadedStatistics(
        source: BuiltInExample.countsName,
        statistics: StatisticsDecoder().decode(Data(BuiltInExample.countsJSON.utf8), exact: .never).statistics,
        exact: nil)
    let options = try selection.options(for: loaded.statistics)
    let reports = try selection.selectedMetrics.map { metric in
      try RobustAnalysis.report(
        loaded.statistics, metric: metric, options: options, level: level,
        method: RobustMethod(rawValue: method) ?? .both, draws: draws, seed: seed, threads: threads)
    }
    if json {
      let encoder = JSONReportEncoder()
      print(reports.count == 1 ? try encoder.text(reports[0]) : try encoder.text(reports))
    } else {
      print("Robust answers for \(loaded.source) (\(reports.first?.records ?? 0) records):\n")
      print(reports.map(AnswerText.robust).joined(separator: "\n\n"))
    }
  }
}
