import ArgumentParser
import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory

/// `fairmem analyze`: the full report for all three metrics (the main job).
struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Full report: base bias, and for SP/EOpp/EOdds whether memorization can hide it and how much it takes.",
    discussion: """
      With no input file, runs on the built-in example (an Adult-like income classifier). For each metric: feasibility of zero (or eps) bias, least and most memorized mass with a witness re-checked by the mixture rule R0, or a checked Farkas certificate; the closed forms R5-R7 and whether they agree with the LP; a short mass-vs-bias frontier; with counts, the integer version (records per cell) and, with --exact, certified rational answers.
      """)

  @Argument(help: "Statistics JSON file; omit for the built-in example; '-' reads standard input.")
  var input: String?
  @OptionGroup var selection: MetricSelection
  @Flag(help: "Rescale rows that do not sum to 1.") var normalize = false
  @Flag(help: "Exact rational answers (needs counts).") var exact = false
  @Flag(help: "Print JSON instead of tables.") var json = false
  @Option(help: "Frontier points per metric.") var frontierPoints: Int = 5

  func run() throws {
    guard frontierPoints >= 2, frontierPoints <= 1000 else {
      throw InputError(field: "--frontier-points", problem: "must be in 2...1000")
    }
    let loaded = try LoadedStatistics.load(path: input, normalize: normalize, exact: exact)
    let stats = loaded.statistics
    let options = try selection.options(for: stats)
    let base = stats.biasReport(memorized: stats.noMemorization, favorableClass: options.favorableClass)
    var results: [[String: JSONValue]] = []
    var text: [String] = []
    text.append("FairMem analysis of \(loaded.source)")
    text.append(
      "groups: \(stats.groups.joined(separator: ", "));  classes: \(stats.classes.joined(separator: ", "));  SP convention \(stats.convention.rawValue)"
    )
    for note in stats.notes { text.append("note: \(note)") }
    text.append("")
    text.append("== Base classifier (nothing memorized) ==")
    text.append(AnswerText.bias(base))
    var plain: [String] = []
    for metric in selection.selectedMetrics {
      let answer = try MemorizationAnalysis.analyze(
        stats, metric: metric, options: options, exactStatistics: loaded.exact)
      let limit = answer.minMass ?? stats.totalCap
      let curve = try MemorizationAnalysis.frontier(
        stats, metric: metric, favorableClass: options.favorableClass,
        budgets: MemorizationAnalysis.evenlySpacedBudgets(upTo: limit, count: frontierPoints))
      let integer = try MemorizationAnalysis.integerMinimum(
        stats, metric: metric,
        options: MetricOptions(
          favorableClass: options.favorableClass,
          tolerance: max(options.tolerance, integerTolerance(stats, metric, options.favorableClass))))
      var object = AnswerJSON.object(answer)
      object["frontier"] = JSONValue(AnswerJSON.object(curve, metric: metric)["points"])
      object["integer"] = JSONValue(integer.map { AnswerJSON.object($0, classes: stats.classes) })
      results.append(object)
      text.append("")
      text.append("== \(metric.title.capitalized) ==")
      text.append(AnswerText.answer(answer))
      text.append(AnswerText.frontier(curve, metric: metric))
      if let integer {
        text.append(
          integer.feasible
            ? "Integer version (tolerance \(Format.number(integer.options.tolerance))): memorize \(integer.totalRecords ?? 0) of \(integer.populationSize) records, per cell \(integer.records ?? [])"
            : "Integer version (tolerance \(Format.number(integer.options.tolerance))): infeasible with whole records")
      }
      plain.append(sentence(answer))
    }
    text.append("")
    text.append("== In plain words ==")
    text.append(contentsOf: plain)
    if json {
      let object: [String: Any] = [
        "source": loaded.source, "groups": stats.groups, "classes": stats.classes,
        "convention": stats.convention.rawValue, "notes": stats.notes,
        "base": AnswerJSON.object(base), "results": results, "summary": plain,
      ]
      print(try AnswerJSON.text(object))
    } else {
      print(text.joined(separator: "\n"))
    }
  }

  /// With whole records exact equality is rarely reachable: allow the rounding tolerance that
  /// whole records can always meet when the continuous problem is feasible.
  private func integerTolerance(_ stats: PopulationStatistics<Double>, _ metric: FairnessMetric, _ favorable: Int?)
    -> Double
  {
    guard let counts = stats.counts else { return 0 }
    let total = counts.joined().joined().reduce(0, +)
    return MemorizationAnalysis.roundingTolerance(stats, metric: metric, favorableClass: favorable, records: total)
  }

  private func sentence(_ a: MemorizationAnswer) -> String {
    let name = a.metric.title
    if a.feasible, let m = a.minMass {
      return
        "To hide the \(name) bias by memorization, at least \(Format.percent(m)) of the population must be memorized (and up to \(Format.percent(a.maxMass)) can be)."
    }
    return "The \(name) bias cannot be hidden by memorization at all"
      + (a.certificate?.verified == true ? " (checked Farkas certificate)." : ".")
  }
}
