import ArgumentParser
import FairMemJSON
import FairnessStatistics
import Foundation
import Memorizers

/// The options of `fairmem validate --mode memorization` (memorization in the wild), parsed here
/// and handed to `MemorizationInTheWild.run`; this file only parses and renders.
struct MemorizationModeOptions: ParsableArguments {
  @Option(
    name: .customLong("models"),
    help: "Memorization mode: comma-separated models among lr, 1nn and mlp-<width>.")
  var modelList: String = "lr,mlp-16,mlp-64,mlp-256,1nn"
  @Option(help: "Memorization mode: folds of the cross-fitting.") var folds: Int = 5
  @Option(help: "Memorization mode: largest training set (a seeded random sample of a larger one).")
  var maxRecords: Int = 3000
  @Option(help: "Memorization mode: most Adam epochs of the MLPs (they stop once they fit their training set).")
  var modelEpochs: Int = 200

  /// The models, parsed.
  func models() throws -> [ClassifierChoice] {
    try modelList.split(separator: ",").map { try ClassifierChoice.parse(String($0), field: "--models") }
  }

  /// The library settings.
  func settings() throws -> InTheWildSettings {
    let settings = InTheWildSettings(
      folds: folds, models: try models(), training: ClassifierTraining(mlpEpochs: modelEpochs))
    do { try settings.check() } catch {
      throw ValidationInputError(field: "--\(error.fieldName)", problem: error.problem)
    }
    return settings
  }

  /// Runs the study on `datasets` and prints it (text or JSON); progress on standard error.
  func run(datasets: [String], directory: String, seed: UInt64, json: Bool, progress: @escaping (String) -> Void)
    throws
  {
    let started = Date()
    let study = try MemorizationInTheWild.run(
      datasets: datasets, directory: directory, maximumRecords: maxRecords, settings: try settings(), seed: seed,
      progress: progress)
    progress("[memorization] done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n")
    if json {
      print(try JSONReportEncoder(pretty: true).text(study))
    } else {
      print(Self.render(study))
    }
  }

  /// The text tables: per population and model, the memorized mass and, per metric, the
  /// out-of-sample gap, the theory's prediction, the in-sample gap and the LP's least mass.
  static func render(_ study: InTheWildStudy) -> String {
    var out: [String] = []
    for report in study.populations {
      out.append(
        "\(report.population): training set N = \(report.records), \(report.settings.folds)-fold cross-fitting, seed \(study.seed)"
      )
      var table = Table(
        "model", "acc. in", "acc. out", "memorized", "unlearned", "metric", "gap out", "predicted (B)",
        "mixture (D)", "gap in", "within band", "LP least mass", "memorized >= least", "looks fairer")
      for model in report.models {
        for metric in model.metrics {
          table.add(
            model.model, Format.percent(model.inSampleAccuracy), Format.percent(model.outOfSampleAccuracy),
            Format.percent(model.memorizedMass), Format.percent(model.unlearnedMass), metric.metric.rawValue,
            Format.number(metric.outOfSampleGap), Format.number(metric.predictedGap), Format.number(metric.mixtureGap),
            Format.number(metric.inSampleGap), "\(metric.entriesWithinBand)/\(metric.entries.count)",
            metric.feasible ? Format.percent(metric.leastMass) : "infeasible",
            metric.memorizedAtLeastLeastMass.map { $0 ? "yes" : "no" } ?? "-",
            metric.looksFairerInSample ? "yes" : "no")
        }
      }
      out.append(table.render())
      out.append("")
    }
    return out.joined(separator: "\n")
  }
}
