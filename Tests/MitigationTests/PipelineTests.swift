import DenseLinearAlgebra
import FairnessData
import FairnessModels
import Foundation
import Influence
import Mitigation
import Testing
import _TestSupport

/// A small synthetic split (seed 004 group-size bias) for the end-to-end checks.
func smallSplit(seed: UInt64, count: Int = 1200) throws -> Split {
  let population = try SyntheticPopulation.biasBenchmark(.groupSizeDiscrepancy(), dimension: 4)
  let sample = try population.sample(count: count, seed: seed)
  return try sample.dataset.stratifiedSplit(fractions: SplitFractions(validation: 0.3, test: 0.2), seed: seed)
}

@Suite("Applying weights: IJ edit, retraining, metrics")
struct PipelineTests {
  @Test("IJ edit and weighted retraining agree for small λ, and both follow the predicted ΔF")
  func ijMatchesRetrainForSmallLambda() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 301))
    let run = try MitigationRunner.prepare(
      split: split, training: TrainingConfiguration(model: .lr, l2Strength: 1e-2), target: .equalizedOddsGapSum, seed: 1
    )
    #expect(run.gap > 0)
    for method in [MitigationMethod.iJack, .simJack, .fairIF] {
      let lambda = 0.05 * run.scale(for: method)
      let value = method == .fairIF ? 20 * run.scale(for: method) : lambda  // FairIF: large ridge = small step
      let ij = try run.outcomeOnly(method: method, value: value, application: .ij)
      let refit = try run.outcomeOnly(method: method, value: value, application: .retrain)
      #expect(ij.clipping.count == 0)
      #expect(ij.predictedChange < 0, "\(method)")
      // First order: |obtained − predicted| is second order in the (small) step.
      #expect(abs(ij.actualChange - ij.predictedChange) < 0.1 * abs(ij.predictedChange) + 1e-6, "\(method) IJ")
      #expect(abs(refit.actualChange - ij.actualChange) < 0.1 * abs(ij.actualChange) + 1e-6, "\(method) refit")
    }
  }

  @Test("drop-K: the IJ prediction has the refit's sign (seed-algorithms §1.3 sanity check)")
  func dropKSign() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 302))
    let run = try MitigationRunner.prepare(
      split: split, training: TrainingConfiguration(model: .lr, l2Strength: 1e-2), target: .demographicParityDifference,
      seed: 2)
    let ij = try run.outcomeOnly(method: .dropK, value: 10, application: .ij)
    let refit = try run.outcomeOnly(method: .dropK, value: 10, application: .retrain)
    #expect(ij.droppedCount == 10)
    #expect(ij.predictedChange < 0 && ij.actualChange < 0 && refit.actualChange < 0)
    #expect(abs(refit.actualChange - ij.predictedChange) < 0.5 * abs(ij.predictedChange))
  }

  @Test("selection picks the grid value with the lowest validation gap and reports the sweep")
  func selection() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 303))
    let run = try MitigationRunner.prepare(
      split: split, training: TrainingConfiguration(model: .lr, l2Strength: 1e-2), target: .equalizedOddsGapSum, seed: 3
    )
    let (chosen, sweep) = try run.select(method: .iJack, application: .ij, accuracyBudget: nil, gridCount: 20)
    #expect(sweep.count == 20)
    let best = sweep.compactMap { $0.validation.equalizedOdds }.min()!
    #expect(abs(chosen.validation.equalizedOdds! - best) < 1e-12)
    #expect(chosen.validation.equalizedOdds! <= run.erm.validation.equalizedOdds!)
    // With a zero accuracy budget no chosen value loses validation accuracy.
    let strict = try run.select(method: .iJack, application: .ij, accuracyBudget: 0, gridCount: 20).chosen
    #expect(strict.validation.accuracy >= run.erm.validation.accuracy - 1e-12)
  }

  @Test("λ that drives weights negative: clipping is reported in the outcome")
  func clippingInOutcome() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 304))
    let run = try MitigationRunner.prepare(
      split: split, training: TrainingConfiguration(model: .lr, l2Strength: 1e-2), target: .equalizedOddsGapSum, seed: 4
    )
    let o = try run.outcomeOnly(method: .iJack, value: 1000 * run.scale(for: .iJack), application: .ij)
    #expect(o.clipping.count > 0)
    #expect(o.notes.contains { $0.contains("clipped") })
  }

  @Test("a validation split with a group lacking positives: EO is undefined and the error says so")
  func undefinedEO() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 305))
    let v = split.validation
    let keep = (0..<v.rowCount).filter { !(v.groups[$0] == 1 && v.labels[$0] == 1) }
    let broken = Split(train: split.train, validation: v.subset(keep), test: split.test)
    #expect {
      _ = try MitigationRunner.prepare(
        split: broken, training: TrainingConfiguration(model: .lr, l2Strength: 1e-2), target: .equalizedOddsGapSum,
        seed: 5)
    } throws: { error in
      "\(error)".contains("undefined")
    }
    // The metrics themselves say which group.
    let e = try FairnessEvaluation(
      groups: [0, 0, 1, 1], labels: [1, 0, 0, 0], predictions: [1, 0, 1, 0], groupNames: ["f", "m"])
    #expect(e.equalizedOdds == nil && e.equalOpportunity == nil)
    #expect(e.notes.first?.contains("m") == true)
    #expect(abs(e.demographicParity) < 1e-15)
  }

  @Test("metrics: hand-computed DP, EO, DEO, AD, AOD, EOD")
  func metricsByHand() throws {
    // group 0: labels 1,1,0,0 predictions 1,0,0,0 -> TPR 0.5, FPR 0, sel 0.25, acc 0.75
    // group 1: labels 1,1,0,0 predictions 1,1,1,0 -> TPR 1, FPR 0.5, sel 0.75, acc 0.75
    let e = try FairnessEvaluation(
      groups: [0, 0, 0, 0, 1, 1, 1, 1], labels: [1, 1, 0, 0, 1, 1, 0, 0], predictions: [1, 0, 0, 0, 1, 1, 1, 0])
    #expect(abs(e.demographicParity - 0.5) < 1e-15)
    #expect(abs(e.equalOpportunity! - 0.5) < 1e-15)
    #expect(abs(e.equalizedOdds! - 1.0) < 1e-15)
    #expect(abs(e.averageOdds! - 0.5) < 1e-15)
    #expect(abs(e.accuracyDifference) < 1e-15)
    #expect(abs(e.accuracy - 0.75) < 1e-15)
  }
}

@Suite("fairmem reweight (CLI smoke test)")
struct ReweightCLITests {
  static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let result = try CLIRunner.run(arguments)
    return (result.status, result.stdout, result.stderr)
  }

  @Test("reweight --json on a small synthetic setting reports predicted and obtained change")
  func reweightJSON() throws {
    let r = try Self.run([
      "reweight", "--dataset", "synthetic-class-size", "--model", "lr", "--method", "sim-jack", "--quick", "--json",
    ])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let result = try #require(object["result"] as? [String: Any])
    #expect(result["predicted_change"] is Double)
    #expect(result["actual_change"] is Double)
    #expect(result["clipped_count"] is Int)
    let test = try #require(result["test"] as? [String: Any])
    for key in ["accuracy", "dp", "eo", "deo", "ad", "aod", "eod"] { #expect(test[key] != nil, "missing \(key)") }
  }

  @Test("bad input exits with 2")
  func badInput() throws {
    let r = try Self.run(["reweight", "--method", "i-jack", "--k", "3", "--quick"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("--lambda"))
  }
}
