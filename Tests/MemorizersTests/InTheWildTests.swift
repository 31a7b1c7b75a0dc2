import FailureReporting
import FairnessData
import FairnessStatistics
import MemorizationTheory
import Memorizers
import SeededRandom
import Testing
import _TestSupport

/// A small synthetic training set (one of the validation populations, as a plain dataset).
private func smallDataset(_ index: Int, seed: UInt64) throws -> Dataset {
  try ValidationPopulations.synthetic(index: index, seed: seed).population.dataset
}

@Suite("Memorization in the wild")
struct InTheWildTests {
  @Test("memorized and unlearned records per cell equal a brute-force count; the mixture explains the rest")
  func bookkeeping() throws {
    let seed = TestSeed.value(default: 61)
    var rng = SplitMix64(seed: seed)
    for index in 0..<4 {
      let data = try smallDataset(index, seed: seed)
      let k = UInt64(data.classCount)
      // Arbitrary out-of-sample and in-sample predictions: right with probability ~ 1/2 and 2/3.
      let outside = data.labels.map { rng.next() % 2 == 0 ? $0 : Int(rng.next() % k) }
      let inside = zip(data.labels, outside).map {
        rng.next() % 3 == 0 ? $1 : (rng.next() % 4 == 0 ? Int(rng.next() % k) : $0)
      }
      let report = try MemorizationInTheWild.compare(
        data, model: .logisticRegression, outOfSample: outside, inSample: inside)
      var memorized = 0
      var unlearned = 0
      for cell in report.cells {
        let a = try #require(data.groupNames.firstIndex(of: cell.group))
        let y = try #require(data.classNames.firstIndex(of: cell.label))
        let members = (0..<data.rowCount).filter { data.groups[$0] == a && data.labels[$0] == y }
        #expect(cell.records == members.count)
        #expect(cell.memorized == members.filter { inside[$0] == y && outside[$0] != y }.count)
        #expect(cell.unlearned == members.filter { inside[$0] != y && outside[$0] == y }.count)
        #expect(cell.changedOffMemorized == members.filter { inside[$0] != outside[$0] && !(inside[$0] == y) }.count)
        #expect(abs(cell.memorizedMass - Double(cell.memorized) / Double(data.rowCount)) < 1e-15)
        memorized += cell.memorized
        unlearned += cell.unlearned
      }
      let bruteMemorized = (0..<data.rowCount).filter {
        inside[$0] == data.labels[$0] && outside[$0] != data.labels[$0]
      }
      #expect(memorized == bruteMemorized.count)
      #expect(
        unlearned
          == (0..<data.rowCount).filter { inside[$0] != data.labels[$0] && outside[$0] == data.labels[$0] }.count)
      #expect(abs(report.memorizedMass - Double(memorized) / Double(data.rowCount)) < 1e-12)
      for metric in report.metrics {
        #expect(abs(metric.memorizedMass - report.memorizedMass) < 1e-12)
        // measured - mixture comes only from changed records off D (a bound that holds by counting).
        for entry in metric.entries { #expect(entry.explainedByChanges, "\(entry.label)") }
        // Out-of-sample and in-sample values recomputed from the statistics of the predictions.
        let population = EvaluationPopulation(dataset: data, basePredictions: outside)
        let measured = metricEntries(try population.statistics(predictions: inside), metric: metric.metric)
        let base = metricEntries(try population.baseStatistics(), metric: metric.metric)
        #expect(zip(measured, metric.entries).allSatisfy { abs($0.value - $1.measured) < 1e-12 })
        #expect(zip(base, metric.entries).allSatisfy { abs($0.value - $1.outOfSample) < 1e-12 })
      }
    }
  }

  @Test("a model that changes only its out-of-sample errors is the R0 mixture exactly")
  func pureMemorizationIsTheMixture() throws {
    let seed = TestSeed.value(default: 67)
    var rng = SplitMix64(seed: seed)
    let data = try smallDataset(1, seed: seed)
    let k = UInt64(data.classCount)
    let outside = data.labels.map { rng.next() % 3 == 0 ? Int(rng.next() % k) : $0 }
    // In sample: a random half of the out-of-sample errors fit, nothing else changes.
    let inside = zip(data.labels, outside).map { $0 != $1 && rng.next() % 2 == 0 ? $0 : $1 }
    let report = try MemorizationInTheWild.compare(
      data, model: .nearestNeighbour, outOfSample: outside, inSample: inside)
    #expect(report.unlearnedMass == 0)
    #expect(report.cells.allSatisfy { $0.changedOffMemorized == 0 })
    for metric in report.metrics {
      for entry in metric.entries {
        #expect(abs(entry.measured - entry.mixture) < 1e-12, "\(entry.label)")
        #expect(entry.changedBound == 0)
      }
      // The LP's answer on the out-of-sample statistics is the one MemorizationAnalysis gives.
      let base = try EvaluationPopulation(dataset: data, basePredictions: outside).baseStatistics()
      let answer = try MemorizationAnalysis.analyze(base, metric: metric.metric, options: MetricOptions())
      #expect(answer.feasible == metric.feasible && answer.minMass == metric.leastMass)
    }
  }

  @Test("cross-fitting: folds balanced per cell; 1-NN fits its training set and memorizes every out-of-sample error")
  func crossFitting() throws {
    let seed = TestSeed.value(default: 71)
    let data = try smallDataset(2, seed: seed)
    let folds = MemorizationInTheWild.foldAssignment(data, folds: 5, seed: seed)
    for a in 0..<data.groupCount {
      for y in 0..<data.classCount {
        let sizes = (0..<5).map { f in
          (0..<data.rowCount).filter { data.groups[$0] == a && data.labels[$0] == y && folds[$0] == f }.count
        }
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "cell (\(a), \(y)): \(sizes)")
      }
    }
    let settings = InTheWildSettings(folds: 5, models: [.logisticRegression, .nearestNeighbour])
    let report = try MemorizationInTheWild.study(data, name: "synthetic", settings: settings, seed: seed)
    #expect(report.models.map(\.model) == ["lr", "1nn"])
    let nn = report.models[1]
    // Gaussian features: no two records coincide, so 1-NN predicts every training record's own label.
    #expect(nn.inSampleAccuracy == 1)
    #expect(nn.unlearnedMass == 0)
    #expect(abs(nn.memorizedMass - (1 - nn.outOfSampleAccuracy)) < 1e-12)
    // Logistic regression memorizes little; 1-NN memorizes all its out-of-sample errors.
    #expect(report.models[0].memorizedMass < nn.memorizedMass)
    for model in report.models {
      for metric in model.metrics where metric.feasible { #expect(metric.witnessVerified == true) }
      for metric in model.metrics where !metric.feasible { #expect(metric.certificateVerified == true) }
    }
  }

  @Test("bad input is a typed bad-input error naming the field")
  func badInput() throws {
    let data = try smallDataset(0, seed: 3)
    func field(_ body: () throws -> Void) -> String? {
      do { try body() } catch let error as ValidationInputError {
        #expect(error.failureKind == .badInput)
        return error.field
      } catch { Issue.record("unexpected error \(error)") }
      return nil
    }
    #expect(
      field { _ = try MemorizationInTheWild.study(data, name: "x", settings: .init(folds: 1), seed: 0) } == "folds")
    #expect(
      field { _ = try MemorizationInTheWild.study(data, name: "x", settings: .init(models: []), seed: 0) } == "models")
    #expect(field { _ = try MemorizationInTheWild.study(data.subset([0, 1, 2]), name: "x", seed: 0) } == "dataset")
    #expect(field { _ = try ClassifierChoice.parse("mlp-0", field: "--base-model") } == "--base-model")
    #expect(field { _ = try ClassifierChoice.parse("svm", field: "--models") } == "--models")
    #expect(field { _ = try InTheWildPopulations.trainingSet(named: "iris", seed: 0) } == "datasets")
    #expect(
      field { _ = try InTheWildPopulations.trainingSet(named: "synthetic", seed: 0, maximumRecords: 3) }
        == "max-records")
    #expect(try ClassifierChoice.parse("MLP-64", field: "x") == .mlp(width: 64))
    #expect(try ClassifierChoice.parse("1nn", field: "x") == .nearestNeighbour)
  }
}

@Suite("Interpolating memorizer")
struct InterpolatingMemorizerTests {
  /// Synthetic validation populations with at most `limit` records (cheap to train on in debug).
  private func smallPopulations(count: Int, limit: Int, seed: UInt64) throws -> [(String, EvaluationPopulation)] {
    var found: [(String, EvaluationPopulation)] = []
    var index = 0
    while found.count < count {
      let (name, pop) = try ValidationPopulations.synthetic(index: index, seed: seed)
      if pop.recordCount <= limit { found.append((name, pop)) }
      index += 1
    }
    return found
  }

  /// The issue's bar: at the default settings the network fits D completely and keeps the base
  /// prediction on >= 99% of the other records in >= 95% of seeded runs. Runs: the first 8
  /// synthetic populations with N <= 400, D = the LP's least-mass sets of EOpp and EOdds
  /// (stratified, what the validator trains on) and two random memorizations (uniform).
  @Test("at default settings the network fits D and keeps >= 99% off D in >= 95% of seeded runs")
  func fitRate() throws {
    let seed = TestSeed.value(default: 73)
    var rng = SplitMix64(seed: seed)
    var runs = 0
    var good = 0
    for (name, pop) in try smallPopulations(count: 8, limit: 400, seed: seed) {
      let base = try pop.baseStatistics()
      var sets: [(String, [Int])] = []
      for metric in [FairnessMetric.equalOpportunity, .equalizedOdds] {
        let answer = try MemorizationAnalysis.analyze(base, metric: metric, options: MetricOptions())
        let witness = try #require(answer.witness)
        sets.append(
          (
            metric.rawValue,
            pop.selector.select(counts: pop.selector.recordCounts(for: witness), mode: .stratified, using: &rng)
          ))
      }
      for index in 0..<2 {
        let m = pop.selector.cellCounts.map { $0.map { rng.uniformIndex(below: $0 + 1) } }
        sets.append(("random \(index)", pop.selector.select(counts: m, mode: .uniform, using: &rng)))
      }
      for (label, chosen) in sets {
        let mlp = try InterpolatingMLPMemorizer(
          population: pop.dataset, basePredictions: pop.basePredictions, memorized: chosen, using: &rng)
        let fit = mlp.fit
        print(
          "[fit] \(name) \(label): D \(fit.memorizedFitted)/\(fit.memorizedCount), off D \(fit.otherKeptBase)/\(fit.otherCount), width \(fit.hiddenWidth), iterations \(fit.epochs), conflicts \(fit.conflictingMemorized)"
        )
        // Independent route: the lookup memorizer's predictions, counted record by record.
        let lookup = pop.lookup(memorizing: chosen).predictions
        let inD = Set(chosen)
        #expect(fit.memorizedFitted == chosen.filter { mlp.predictions[$0] == lookup[$0] }.count)
        #expect(
          fit.otherKeptBase
            == (0..<pop.recordCount).filter { !inD.contains($0) && mlp.predictions[$0] == lookup[$0] }
            .count)
        // Gaussian features: no two records share an input, so nothing conflicts.
        #expect(fit.conflictingMemorized == 0 && fit.conflictingOther == 0)
        runs += 1
        if fit.meetsFitBar { good += 1 }
      }
    }
    print("[fit] \(good) of \(runs) runs fit D completely with >= 99% of the other records at the base prediction")
    #expect(runs >= 30)
    #expect(Double(good) >= 0.95 * Double(runs))
  }

  /// Exact feature collisions: records of D duplicated off D with the other target. No function
  /// of the inputs can meet both targets; the construction reports the conflicts and still fits
  /// every other record.
  @Test("records of D that share their input with a record of another target are reported as conflicts")
  func conflictsAreReported() throws {
    let seed = TestSeed.value(default: 83)
    var rng = SplitMix64(seed: seed)
    let (_, pop) = try smallPopulations(count: 1, limit: 400, seed: seed)[0]
    let n = pop.recordCount
    // D: every record the base classifier gets wrong; the first 2 of them are
    // duplicated (same features, group, label, base prediction) as extra records off D.
    let wrong = (0..<n).filter { pop.dataset.labels[$0] != pop.basePredictions[$0] }
    try #require(wrong.count >= 5)
    let duplicated = Array(wrong.prefix(2))
    let rows = Array(0..<n) + duplicated
    let data = pop.dataset.subset(rows)
    let basePredictions = rows.map { pop.basePredictions[$0] }
    let mlp = try InterpolatingMLPMemorizer(
      population: data, basePredictions: basePredictions, memorized: wrong, using: &rng)
    let fit = mlp.fit
    print(
      "[conflicts] D \(fit.memorizedFitted)/\(fit.memorizedCount), off D \(fit.otherKeptBase)/\(fit.otherCount), conflicts \(fit.conflictingMemorized) in D, \(fit.conflictingOther) off D"
    )
    #expect(fit.conflictingMemorized == 2 && fit.conflictingOther == 2)
    // Every record not in a conflict meets its target.
    let conflicting = Set(duplicated + (n..<(n + 2)))
    let inD = Set(wrong)
    for i in 0..<data.rowCount where !conflicting.contains(i) {
      #expect(mlp.predictions[i] == (inD.contains(i) ? data.labels[i] : basePredictions[i]), "record \(i)")
    }
    // Each conflicting pair gets one prediction, so exactly one of its two targets is met.
    for (k, i) in duplicated.enumerated() { #expect(mlp.predictions[i] == mlp.predictions[n + k]) }
    #expect(fit.memorizedFitted + fit.otherKeptBase == data.rowCount - 2)
    #expect(fit.memorizedFitted == wrong.count - 2)
  }

  /// The earlier design (random weights, trained), kept as an option: measured, not asserted to
  /// meet the bar; its fit is counted the same way.
  @Test("random initialization: trained from random weights, its fit counted the same way")
  func randomInitialization() throws {
    let seed = TestSeed.value(default: 89)
    var rng = SplitMix64(seed: seed)
    let (name, pop) = try smallPopulations(count: 1, limit: 240, seed: seed)[0]
    let m = pop.selector.cellCounts.map { $0.map { $0 / 5 } }
    let chosen = pop.selector.select(counts: m, mode: .uniform, using: &rng)
    let mlp = try InterpolatingMLPMemorizer(
      population: pop.dataset, basePredictions: pop.basePredictions, memorized: chosen,
      options: .init(initialization: .random, maximumEpochs: 200), using: &rng)
    print("[random init] \(name): D \(mlp.fit.memorizedFitted)/\(mlp.fit.memorizedCount), epochs \(mlp.fit.epochs)")
    #expect(mlp.fit.initialization == .random && mlp.network.activation == .selu)
    #expect(mlp.fit.conflictingMemorized == 0, "conflicts are counted whatever the initialization")
    #expect(mlp.fit.memorizedFitted == chosen.filter { mlp.predictions[$0] == pop.dataset.labels[$0] }.count)
    #expect(mlp.fit.epochs > 0)
  }

  @Test(
    "with the interpolating memorizer the validator's LP checks hold within the lookup's bounds or are explained by spill-over"
  )
  func validatorAgreement() throws {
    let seed = TestSeed.value(default: 79)
    let settings = ValidationSettings(randomMemorizations: 2, radii: [], interpolatingMLP: true, recordEntries: true)
    var lpSets = 0
    var randomEntries = 0
    for (index, (name, pop)) in try smallPopulations(count: 3, limit: 300, seed: seed).enumerated() {
      let result = try TheoryValidator.validate(pop, name: name, settings: settings, seed: seed &+ UInt64(index))
      #expect(result.agrees, "\(name)")
      for metric in result.metrics where metric.feasible {
        let fit = try #require(metric.mlpFit)
        let entries = try #require(metric.mlpEntries)
        let changed = try #require(metric.mlpChangedRecords)
        #expect(entries.count == metricEntries(try pop.baseStatistics(), metric: metric.metric).count)
        // The changed records are the MLP's misses on D plus its changes off D.
        #expect(
          changed.joined().reduce(0, +) == (fit.memorizedCount - fit.memorizedFitted)
            + (fit.otherCount - fit.otherKeptBase))
        // Same bound as the lookup memorizer, entry by entry (no spill-over when the fit is exact).
        if fit.fitsMemorizedSet && fit.otherKeptBase == fit.otherCount {
          #expect(entries.allSatisfy { $0.spillOver == 0 && $0.withinBound }, "\(name) \(metric.metric)")
        }
        for entry in entries {
          #expect(entry.explained, "\(name) \(entry.entry)")
          #expect(entry.withinBound == (abs(entry.measured) <= entry.bound))
        }
        #expect(metric.mlpWithinBound == entries.allSatisfy(\.withinBound))
        lpSets += 1
      }
      // Per run at the random memorizations (uniform selection): what the MLP fitted.
      #expect(result.mlpRandomFits.count == settings.randomMemorizations)
      #expect(result.mlpRandomFits.filter { !$0.meetsFitBar }.isEmpty, "\(name)")
      // R1-R3 at random memorizations: the MLP's entries within the lookup's band, or within band
      // plus the spill-over of the records it predicts differently from the lookup memorizer.
      for entry in result.entries where entry.memorizer == .mlp && entry.setting == .random {
        let spill = try #require(entry.spillOver)
        let departure = abs(entry.measured - entry.predicted)
        if spill == 0 { #expect(departure <= entry.band, "\(name) \(entry.label)") }
        #expect(departure <= entry.band + spill + 1e-12, "\(name) \(entry.label)")
        randomEntries += 1
      }
    }
    print("[agreement] \(lpSets) LP sets, \(randomEntries) MLP entries at random memorizations")
    #expect(lpSets >= 6 && randomEntries > 0)
  }

}
