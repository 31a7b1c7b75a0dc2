import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation

/// `fairmem stats`: statistics JSON (counts) from a predictions CSV.
struct StatsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats",
    abstract:
      "Build the statistics JSON (counts n[a][y][yh]) from a predictions CSV, with the usual fairness summaries.",
    discussion: """
      Counts records per (group, label, prediction). Several --group columns form intersectional groups named 'v1|v2'. Classes are the union of label and prediction values (sorted numerically when all are numbers). The JSON output is a valid input for every other command (its "summary" field is ignored there); it carries the scalar summaries for --favorable (default: the last class): demographic_parity_difference and equalized_odds_difference as fairlearn defines them, selection rates, TPR/FPR per group, accuracies.
      """)

  @Argument(help: "Predictions CSV file with a header row; '-' reads standard input.") var csv: String
  @Option(help: "Column with the true label.") var label: String
  @Option(help: "Column with the classifier's prediction.") var prediction: String
  @Option(help: "Column(s) with the sensitive attribute; repeat for intersectional groups.") var group: [String] = []
  @Option(help: "Favorable class for the summaries (default: the last class).") var favorable: String?
  @Option(
    help:
      "Column with the number of records each row stands for (aggregated input, e.g. a group-by's counts); default: 1 per row."
  ) var count: String?
  @Option(help: "Bootstrap replicates for intervals of every rate and summary (0: none).") var bootstrap: Int = 0
  @Option(help: "Level of the bootstrap intervals, in (0, 1).") var level: Double = 0.95
  @Option(help: "Seed of the bootstrap replicates.") var seed: UInt64 = 0
  @Flag(help: "Print JSON instead of tables.") var json = false

  func validate() throws {
    guard !group.isEmpty else { throw InputError(field: "--group", problem: "give at least one group column") }
    guard bootstrap == 0 || bootstrap >= 2 else {
      throw InputError(field: "--bootstrap", problem: "need 0 (none) or at least 2 replicates, got \(bootstrap)")
    }
    guard seed <= UInt64(Int.max) else {
      throw InputError(field: "--seed", problem: "must be at most \(Int.max), got \(seed)")
    }
    guard level.isFinite, level > 0, level < 1 else {
      throw InputError(field: "--level", problem: "must be in (0, 1), got \(level)")
    }
  }

  func run() throws {
    let table =
      csv == "-"
      ? try CSVTable(bytes: CommandIO.current.standardInputBytes() ?? [], source: "standard input")
      : try CSVTable(contentsOfFile: csv)
    let labels = table.column(try table.columnIndex(named: label))
    let predictions = table.column(try table.columnIndex(named: prediction))
    let groupColumns = try group.map { table.column(try table.columnIndex(named: $0)) }
    let groupValues = (0..<table.rowCount).map { row in
      PredictionCounts.intersectionalName(groupColumns.map { $0[row] })
    }
    for (name, values) in [(label, labels), (prediction, predictions)] {
      if let row = values.firstIndex(where: { $0.isEmpty }) {
        throw InputError(field: name, problem: "empty value at line \(table.lineNumbers[row])")
      }
    }
    let recordCounts = try count.map { name in
      try zip(table.column(try table.columnIndex(named: name)), table.lineNumbers).map { text, line in
        guard let value = Int(text) else {
          throw InputError(field: name, problem: "'\(text)' at line \(line) is not a whole number of records")
        }
        return value
      }
    }
    let counts = try PredictionCounts(
      groupValues: groupValues, labels: labels, predictions: predictions, recordCounts: recordCounts)
    let favorableClass = try favorableClassIndex(named: favorable, classes: counts.classes)
    let analysis = try CountsAnalysis(counts: counts, favorableClass: favorableClass)
    let intervals =
      bootstrap > 0
      ? PopulationStatistics<Double>.bootstrapIntervals(
        counts: counts, favorableClass: favorableClass, replicates: bootstrap, confidence: level, seed: seed) : nil
    if json {
      let description =
        "counts from \(csv) (label \(label), prediction \(prediction), group \(group.joined(separator: "+")))"
      print(try AnswerJSON.text(report: analysis.report(description: description, bootstrap: intervals)))
    } else {
      var t = Table(["group", "label"] + counts.classes.map { "pred=\($0)" })
      for (a, g) in counts.groups.enumerated() {
        for (y, c) in counts.classes.enumerated() { t.add([g, c] + counts.counts[a][y].map(String.init)) }
      }
      print("Counts from \(csv) (\(table.rowCount) records):")
      print(t.render())
      print(AnswerText.bias(analysis.bias))
      if !analysis.listsPairwiseEntries {
        let g = analysis.statistics.groupCount
        print(
          "(gap vectors over all \(g * (g - 1) / 2) pairs of groups not listed: more than \(CountsAnalysis.listedEntries) entries)"
        )
      }
      if let intervals {
        print(
          "\nBootstrap intervals (\(intervals.replicates) replicates drawn per cell, level \(intervals.confidence), seed \(intervals.seed)):"
        )
        var b = Table(["metric", "estimate", "lower", "upper", "std. error", "not estimable"])
        func cell(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "-" }
        for i in intervals.intervals {
          b.add([
            i.name, cell(i.estimate), cell(i.lower), cell(i.upper), cell(i.standardError), cell(i.notEstimableFraction),
          ])
        }
        print(b.render())
      }
    }
  }
}
