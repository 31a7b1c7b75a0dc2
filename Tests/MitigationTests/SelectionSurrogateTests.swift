import DenseLinearAlgebra
import FairnessData
import FairnessModels
import FairnessStatistics
import Foundation
import Influence
import Mitigation
import Testing
import _TestSupport

/// A logistic regression fitted (Newton) on `split.train`.
private func fittedLR(_ split: Split, l2: Double = 1e-2) throws -> MultinomialLogisticRegression {
  var model = MultinomialLogisticRegression(featureCount: split.train.featureCount, classCount: 2, l2Strength: l2)
  try model.fit(
    split.train.matrix, labels: split.train.labels, options: LogisticRegressionFitOptions(gradientTolerance: 1e-10))
  return model
}

@Suite("Selection with a clipping limit, per-metric targets, MLP retraining from scratch")
struct SelectionAndRetrainTests {
  @Test("Selection.best skips candidates that clip more than the limit and counts them")
  func clippingFilterByHand() {
    let c = [
      Selection.Candidate(value: 1, gap: 0.30, accuracy: 0.90, clippedFraction: 0),
      Selection.Candidate(value: 2, gap: 0.20, accuracy: 0.90, clippedFraction: 0.05),
      Selection.Candidate(value: 3, gap: 0.10, accuracy: 0.89, clippedFraction: 0.20),
      Selection.Candidate(value: 4, gap: 0.05, accuracy: 0.80, clippedFraction: 0.40),
      Selection.Candidate(value: 5, gap: nil, accuracy: 0.90, clippedFraction: 0),
    ]
    #expect(Selection.best(c, baselineAccuracy: 0.9) == 3)
    let limited = Selection.bestWithExclusions(c, baselineAccuracy: 0.9, maxClippedFraction: 0.2)
    #expect(limited.index == 2)
    #expect(limited.excluded.clipping == 1 && limited.excluded.undefined == 1 && limited.excluded.accuracy == 0)
    let strict = Selection.bestWithExclusions(c, baselineAccuracy: 0.9, maxClippedFraction: 0.1)
    #expect(strict.index == 1 && strict.excluded.clipping == 2)
    // Both filters: budget 0.005 removes value 3 (accuracy 0.89); value 4 is counted under clipping.
    let both = Selection.bestWithExclusions(c, baselineAccuracy: 0.9, accuracyBudget: 0.005, maxClippedFraction: 0.3)
    #expect(both.index == 1 && both.excluded.clipping == 1 && both.excluded.accuracy == 1)
    #expect(Selection.best(c, baselineAccuracy: 0.9, maxClippedFraction: 0) == 0)
  }

  @Test("select with --max-clipped-fraction: the chosen value respects it and the exclusions match the sweep")
  func clippingFilterInSelection() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 311))
    let run = try MitigationRunner.prepare(
      split: split, training: TrainingConfiguration(model: .lr, l2Strength: 1e-2), target: .equalizedOddsGapSum,
      seed: 11)
    let free = try run.select(method: .simJack, application: .ij, accuracyBudget: nil, gridCount: 30)
    let fractions = free.sweep.map(\.clippedFraction)
    #expect(fractions.max()! > 0, "the grid must reach clipping for this check to mean anything")
    let limit = 0.02
    let (chosen, sweep) = try run.select(
      method: .simJack, application: .ij, accuracyBudget: nil, maxClippedFraction: limit, gridCount: 30)
    #expect(chosen.clippedFraction <= limit)
    let report = try #require(chosen.selection)
    #expect(report.maxClippedFraction == limit && report.gridCount == 30)
    #expect(report.excluded.clipping == sweep.count { $0.clippedFraction > limit })
    let allowed = sweep.filter { $0.clippedFraction <= limit }.compactMap { $0.validation.equalizedOdds }
    #expect(abs(chosen.validation.equalizedOdds! - allowed.min()!) < 1e-12)
    // A limit of 1 excludes nothing and reproduces the unfiltered choice.
    let all = try run.select(
      method: .simJack, application: .ij, accuracyBudget: nil, maxClippedFraction: 1, gridCount: 30)
    #expect(all.chosen.value == free.chosen.value && all.chosen.selection?.excluded.clipping == 0)
    // A limit of 0 on a grid whose every value clips cannot be met: an input error, not a silent pick.
    if fractions.allSatisfy({ $0 > 0 }) {
      #expect(throws: MitigationInputError.self) {
        _ = try run.select(
          method: .simJack, application: .ij, accuracyBudget: nil, maxClippedFraction: 0, gridCount: 30)
      }
    }
  }

  @Test("retargeting the ERM model to another metric equals preparing that target from scratch")
  func retargetMatchesFreshRun() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 312))
    let training = TrainingConfiguration(model: .lr, l2Strength: 1e-2)
    let eo = try MitigationRunner.prepare(split: split, training: training, target: .equalizedOddsGapSum, seed: 12)
    for metric in [FairnessMetric.demographicParityDifference, .equalOpportunityDifference] {
      let moved = try eo.retargetedRun(to: metric)
      let fresh = try MitigationRunner.prepare(split: split, training: training, target: metric, seed: 12)
      #expect(moved.targetMetric == metric)
      #expect(abs(moved.gap - fresh.gap) < 1e-12)
      let diff = zip(moved.influence, fresh.influence).map { abs($0 - $1) }.max()!
      #expect(diff <= 1e-10 * VectorMath.maxAbsoluteValue(fresh.influence), "\(metric): \(diff)")
      // Selection uses the new metric.
      let s = try moved.select(method: .iJack, application: .ij, accuracyBudget: nil, gridCount: 10).chosen
      #expect(s.selection?.metric == metric)
    }
    #expect(eo.influence != (try eo.retargetedRun(to: .demographicParityDifference)).influence)
  }

  @Test("MLP retrain starts from ERM's initialization: unit weights reproduce ERM exactly; finetune does not")
  func mlpRetrainFromScratch() throws {
    setThreadCount(1)
    let split = try smallSplit(seed: TestSeed.value(default: 313), count: 600)
    let training = TrainingConfiguration(
      model: .mlp, l2Strength: 1e-3, hiddenWidth: 8, epochs: 4, fineTuneEpochs: 2, batchSize: 64, learningRate: 1e-2)
    let run = try MitigationRunner.prepare(split: split, training: training, target: .equalizedOddsGapSum, seed: 13)
    // λ = 0: every weight is 1, so retraining from scratch must give back θ̂ bit for bit.
    let unit = try run.outcomeOnly(method: .iJack, value: 0, application: .retrain)
    #expect(unit.weightSum == Double(split.train.rowCount))
    #expect(unit.actualChange == 0, "retrain with w = 1 moved F by \(unit.actualChange)")
    #expect(unit.test == run.erm.test)
    // Fine-tuning with w = 1 keeps training from θ̂ and moves the model.
    let tuned = try run.outcomeOnly(method: .iJack, value: 0, application: .finetune)
    #expect(tuned.actualChange != 0)
    // A real reweighting retrained from scratch differs from the fine-tuned one.
    let lambda = 0.5 * run.scale(for: .iJack)
    let scratch = try run.outcomeOnly(method: .iJack, value: lambda, application: .retrain)
    let warm = try run.outcomeOnly(method: .iJack, value: lambda, application: .finetune)
    #expect(scratch.actualChange != warm.actualChange)
    #expect(scratch.predictedChange == warm.predictedChange)
  }
}

@Suite("Gumbel-softmax surrogate")
struct GumbelSurrogateTests {
  /// `a_i` of the (unoriented) TPR gap `TPR₀ − TPR₁`: `1/n₀₊` on group-0 positives, `−1/n₁₊` on group-1 positives.
  func tprGapCoefficients(_ d: Dataset) -> [Double] {
    let n0 = Double((0..<d.rowCount).count { d.groups[$0] == 0 && d.labels[$0] == 1 })
    let n1 = Double((0..<d.rowCount).count { d.groups[$0] == 1 && d.labels[$0] == 1 })
    return (0..<d.rowCount).map { i in d.labels[i] != 1 ? 0 : (d.groups[i] == 0 ? 1 / n0 : -1 / n1) }
  }

  @Test("τ → 0: the Gumbel-max limit averages (over the noise) to the softmax target")
  func zeroTemperatureLimit() throws {
    let seed = TestSeed.value(default: 321)
    let split = try smallSplit(seed: seed)
    let model = try fittedLR(split)
    let v = split.validation
    let softmax = try FairnessTarget(kind: .truePositiveRateGap, validation: v).value(model)
    // Var of one draw: Σ a_i² p_i(1 − p_i) (independent Bernoulli(p_i) one-hot samples).
    let a = tprGapCoefficients(v)
    let p = model.probabilities(v.matrix)
    var variance = 0.0
    for i in a.indices { variance += a[i] * a[i] * p[i, 1] * (1 - p[i, 1]) }
    let draws = 300
    var sum = 0.0
    for s in 0..<draws {
      let t = try FairnessTarget(
        kind: .truePositiveRateGap, validation: v,
        relaxation: .gumbel(temperature: 1e-3, seed: seed &+ UInt64(s)))
      sum += t.value(model)
    }
    let mean = sum / Double(draws)
    let se = (variance / Double(draws)).squareRoot()
    print("[gumbel τ→0] mean \(mean) softmax \(softmax) SE \(se)")
    #expect(abs(mean - softmax) < 5 * se)
    #expect(se > 0)
  }

  @Test("τ → ∞: τ·∇F tends to ¼ Σ a_i ∇(logit₁ − logit₀); softmax gradient = Σ a_i p_i(1 − p_i) ∇(logit₁ − logit₀)")
  func gradientTheory() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 322))
    let model = try fittedLR(split)
    let v = split.validation
    let a = tprGapCoefficients(v)
    let x = v.matrix
    // ∇ log p_k = −∇ℓ(x, k), so ∇(logit₁ − logit₀) = ∇ℓ(x, 0) − ∇ℓ(x, 1).
    let g0 = model.perSampleGradients(x, labels: Array(repeating: 0, count: x.rows), block: .all)
    let g1 = model.perSampleGradients(x, labels: Array(repeating: 1, count: x.rows), block: .all)
    let p = model.probabilities(x)
    var limit = Array(repeating: 0.0, count: model.parameterCount)
    var softmaxTheory = limit
    for i in a.indices where a[i] != 0 {
      for j in limit.indices {
        let d = g0[i, j] - g1[i, j]
        limit[j] += 0.25 * a[i] * d
        softmaxTheory[j] += a[i] * p[i, 1] * (1 - p[i, 1]) * d
      }
    }
    let tau = 1e4
    let gumbel = try FairnessTarget(
      kind: .truePositiveRateGap, validation: v, relaxation: .gumbel(temperature: tau, seed: 5)
    ).gradient(model, block: .all)
    let scaled = gumbel.map { $0 * tau }
    let scale = VectorMath.maxAbsoluteValue(limit)
    #expect(zip(scaled, limit).map { abs($0 - $1) }.max()! < 1e-4 * scale)
    let softmax = try FairnessTarget(kind: .truePositiveRateGap, validation: v).gradient(model, block: .all)
    #expect(
      zip(softmax, softmaxTheory).map { abs($0 - $1) }.max()! < 1e-10 * VectorMath.maxAbsoluteValue(softmaxTheory))
    // At τ = 1 the noise changes the gradient (this is what --surrogate gumbel changes).
    let noisy = try FairnessTarget(
      kind: .truePositiveRateGap, validation: v, relaxation: .gumbel(temperature: 1, seed: 5)
    ).gradient(model, block: .all)
    #expect(zip(noisy, softmax).map { abs($0 - $1) }.max()! > 1e-3 * VectorMath.maxAbsoluteValue(softmax))
  }

  @Test("a Gumbel run changes the influences, and its IJ prediction still matches the edit for small λ")
  func gumbelRun() throws {
    let split = try smallSplit(seed: TestSeed.value(default: 323))
    let training = TrainingConfiguration(model: .lr, l2Strength: 1e-2)
    let soft = try MitigationRunner.prepare(split: split, training: training, target: .equalizedOddsGapSum, seed: 23)
    let gumbel = try MitigationRunner.prepare(
      split: split, training: training, target: .equalizedOddsGapSum, seed: 23,
      surrogate: .gumbel(temperature: 1, seed: 4))
    #expect(gumbel.surrogate == .gumbel(temperature: 1, seed: 4))
    let diff = zip(soft.influence, gumbel.influence).map { abs($0 - $1) }.max()!
    #expect(diff > 1e-3 * VectorMath.maxAbsoluteValue(soft.influence))
    #expect(soft.erm.test == gumbel.erm.test)  // same ERM model: only the targets differ
    for method in [MitigationMethod.iJack, .fairIF] {
      let value = method == .fairIF ? 20 * gumbel.scale(for: method) : 0.05 * gumbel.scale(for: method)
      let ij = try gumbel.outcomeOnly(method: method, value: value, application: .ij)
      #expect(ij.predictedChange < 0, "\(method)")
      #expect(abs(ij.actualChange - ij.predictedChange) < 0.1 * abs(ij.predictedChange) + 1e-6, "\(method)")
    }
  }
}

@Suite("reweight/compare: new options on the command line")
struct MitigationOptionsCLITests {
  @Test("bad values of the new options exit with 2 and name the option")
  func badInput() throws {
    let cases: [([String], String)] = [
      (["reweight", "--quick", "--surrogate", "hard"], "--surrogate"),
      (["reweight", "--quick", "--surrogate", "gumbel", "--gumbel-temperature", "0"], "--gumbel-temperature"),
      (["reweight", "--quick", "--gumbel-temperature", "0.5"], "--gumbel-temperature"),
      (["reweight", "--quick", "--gumbel-seed", "3"], "--gumbel-seed"),
      (["reweight", "--quick", "--max-clipped-fraction", "1.5"], "--max-clipped-fraction"),
      (["reweight", "--quick", "--max-clipped-fraction", "0.1", "--lambda", "1"], "--max-clipped-fraction"),
      (["reweight", "--quick", "--apply", "scratch"], "--apply"),
      (["compare", "--quick", "--apply", "ij,scratch"], "--apply"),
      (["compare", "--quick", "--max-clipped-fraction", "-0.1"], "--max-clipped-fraction"),
      (["compare", "--quick", "--surrogate", "gumbel", "--gumbel-temperature", "nan"], "--gumbel-temperature"),
    ]
    for (arguments, option) in cases {
      let r = try CLIRunner.run(arguments)
      #expect(r.status == 2, "\(arguments): \(r.status) \(r.stderr)")
      #expect(r.stderr.contains(option), "\(arguments): \(r.stderr)")
    }
  }

  @Test("reweight --json reports the surrogate, the clipping limit and the selection")
  func reweightJSON() throws {
    let r = try CLIRunner.run([
      "reweight", "--dataset", "synthetic-class-size", "--model", "lr", "--method", "sim-jack", "--quick", "--json",
      "--surrogate", "gumbel", "--gumbel-temperature", "0.5", "--gumbel-seed", "9", "--max-clipped-fraction", "0.05",
    ])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let surrogate = try #require(object["surrogate"] as? [String: Any])
    #expect(surrogate["kind"] as? String == "gumbel" && surrogate["temperature"] as? Double == 0.5)
    #expect(surrogate["seed"] as? Int == 9)
    #expect(object["max_clipped_fraction"] as? Double == 0.05)
    let result = try #require(object["result"] as? [String: Any])
    #expect(try #require(result["clipped_fraction"] as? Double) <= 0.05)
    let selection = try #require(result["selection"] as? [String: Any])
    #expect(selection["excluded_by_clipping"] is Int && selection["grid_count"] as? Int == 50)
  }

  @Test("compare --select-per-metric --json reports each metric at its own selection")
  func comparePerMetricJSON() throws {
    let r = try CLIRunner.run([
      "compare", "--settings", "synthetic-class-size", "--splits", "1", "--quick", "--json", "--methods", "i-jack",
      "--apply", "ij,finetune", "--select-per-metric",
    ])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(object["select_per_metric"] as? Bool == true)
    let setting = try #require((object["settings"] as? [[String: Any]])?.first)
    #expect(setting["seconds"] is Double)
    let rows = try #require(setting["per_metric_rows"] as? [[String: Any]])
    #expect(rows.map { $0["method"] as? String } == ["ERM", "i-jack/ij", "i-jack/finetune"])
    for key in ["dp", "eo", "deo", "error@dp", "error@eo", "error@deo", "value@dp", "clipped@deo"] {
      #expect(rows[1][key] is [String: Any], "missing \(key)")
    }
    // The EO column of the per-metric table is the main table's EO (same target, same selection).
    let main = try #require(setting["rows"] as? [[String: Any]])
    let mainEO = try #require((main[1]["eo"] as? [String: Any])?["mean"] as? Double)
    let perEO = try #require((rows[1]["eo"] as? [String: Any])?["mean"] as? Double)
    #expect(mainEO == perEO)
  }
}
