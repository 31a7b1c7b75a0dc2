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
      try input.map { try LoadedStatistics.load(path: $0, normalize: false, exact: false) }
      ?? LoadedStatistics.parse(
        Data(BuiltInExample.countsJSON.utf8), source: BuiltInExample.countsName, normalize: false, exact: false)
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
      print(reports.map(Self.text).joined(separator: "\n\n"))
    }
  }

  static func number(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "-" }

  /// The short text form (also used by `analyze`).
  static func text(_ report: RobustReport) -> String {
    var lines = ["\(report.metric.title) (tolerance \(report.tolerance), level \(report.level))"]
    let point =
      report.pointEstimate.feasible
      ? "feasible, least mass \(number(report.pointEstimate.minMass))" : "infeasible"
    lines.append("  point estimate:        \(point)")
    if let box = report.box {
      lines.append("  robust verdict:        \(box.verdict.rawValue)")
      if let interval = box.minMassInterval {
        lines.append(
          "  least mass over region: [\(number(interval.lower)), \(interval.upper.map { number($0) } ?? "unbounded")]"
            + (interval.upperSource.map { " (upper: \($0))" } ?? ""))
      }
      if let certificate = box.certificate {
        lines.append("  certificate gap:       \(number(certificate.gap)) (verified: \(certificate.verified))")
      }
      if let witness = box.robustWitness, box.verdict == .certainlyFeasible {
        lines.append("  robust witness:        worst-case gap \(number(witness.worstCaseGap)), verified")
      }
      if let settling = box.settling {
        lines.append(
          "  settles at:            \(number(settling.scale))x the counts (\(settling.records) records): \(settling.verdict.rawValue)"
        )
      }
      lines.append(
        "  region:                \(box.region.intervalCount) Clopper-Pearson intervals at \(number(box.region.perIntervalLevel)) each (Bonferroni)"
      )
      lines += box.notes.map { "  note: \($0)" }
    }
    if let bayes = report.bayes {
      lines.append(
        "  posterior P(feasible): \(number(bayes.probabilityFeasible)) (\(bayes.draws) draws, seed \(bayes.seed))")
      let quantiles = bayes.minMassQuantiles.map {
        "q\(number($0.probability))=\($0.value.map { number($0) } ?? "inf")"
      }
      lines.append("  posterior least mass:  \(quantiles.joined(separator: ", "))")
    }
    return lines.joined(separator: "\n")
  }
}
