import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation
import MemorizationTheory

/// `fairmem stats`: statistics JSON (counts) from a predictions CSV.
struct StatsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats",
    abstract:
      "Build the statistics JSON (counts n[a][y][yh]) from a predictions CSV, with the usual fairness summaries.",
    discussion: """
      Counts records per (group, label, prediction). Several --group columns form intersectional groups named 'v1|v2' (a '|' or '\\' inside a value is escaped with '\\', so distinct tuples get distinct names). A label and a prediction value that spell the same number differently (1 and 1.0) are an error. Classes are the union of label and prediction values (sorted numerically when all are numbers). The JSON output is a valid input for every other command (its "summary" field is ignored there); it carries the scalar summaries for --favorable (default: the last class): demographic_parity_difference and equalized_odds_difference as fairlearn defines them, selection rates, TPR/FPR per group, accuracies.
      """)

  @Argument(help: "Predictions CSV file with a header row.") var csv: String
  @Option(help: "Column with the true label.") var label: String
  @Option(help: "Column with the classifier's prediction.") var prediction: String
  @Option(help: "Column(s) with the sensitive attribute; repeat for intersectional groups.") var group: [String] = []
  @Option(help: "Favorable class for the summaries (default: the last class).") var favorable: String?
  @Flag(help: "Print JSON instead of tables.") var json = false

  /// The most pairwise gap entries the text output lists.
  static let listedEntries = 10_000

  func validate() throws {
    guard !group.isEmpty else { throw InputError(field: "--group", problem: "give at least one group column") }
  }

  func run() throws {
    let table = try CSVTable(contentsOfFile: csv)
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
    let counts = try PredictionCounts(groupValues: groupValues, labels: labels, predictions: predictions)
    let statistics = try PopulationStatistics<Double>(counts: counts)
    // The pairwise gap table has G(G-1)/2 rows per rate: listed up to 10,000 entries (the
    // largest gap per metric is always shown; intersectional audits reach thousands of groups).
    let g = statistics.groupCount
    let k = statistics.classCount
    let pairs = g * (g - 1) / 2
    let listed = pairs <= Self.listedEntries / (2 * k + k * k)
    let report = statistics.biasReport(
      favorableClass: try statistics.classIndex(named: favorable), pairwiseEntries: listed)
    if json {
      var object: [String: Any] = ["groups": counts.groups, "classes": counts.classes, "counts": counts.counts]
      object["summary"] = AnswerJSON.object(report)["summary"]
      object["description"] =
        "counts from \(csv) (label \(label), prediction \(prediction), group \(group.joined(separator: "+")))"
      print(try AnswerJSON.text(object))
    } else {
      var t = Table(["group", "label"] + counts.classes.map { "pred=\($0)" })
      for (a, g) in counts.groups.enumerated() {
        for (y, c) in counts.classes.enumerated() { t.add([g, c] + counts.counts[a][y].map(String.init)) }
      }
      print("Counts from \(csv) (\(table.rowCount) records):")
      print(t.render())
      print(AnswerText.bias(report))
      if !listed {
        print("(gap vectors over all \(pairs) pairs of groups not listed: more than \(Self.listedEntries) entries)")
      }
    }
  }
}
