import FairnessData
import FairnessStatistics
import MemorizationTheory
import Memorizers
import SeededRandom
import Testing
import _TestSupport

/// Synthetic evaluation populations with a logistic-regression base classifier.
private func population(_ index: Int, seed: UInt64) throws -> EvaluationPopulation {
  try ValidationPopulations.synthetic(index: index, seed: seed).population
}

@Suite("Memorization set selector")
struct SelectorTests {
  @Test("chosen records per cell equal m[a][y]; stratified keeps sub-cell shares within one record")
  func countsPerCell() throws {
    let seed = TestSeed.value(default: 11)
    var rng = SplitMix64(seed: seed)
    for index in 0..<4 {
      let pop = try population(index, seed: seed)
      let selector = pop.selector
      let n = selector.cellCounts
      for mode in MemorizationSetSelector.Mode.allCases {
        let m = n.map { $0.map { Int(rng.next() % UInt64($0 + 1)) } }
        let chosen = selector.select(counts: m, mode: mode, using: &rng)
        #expect(Set(chosen).count == chosen.count, "no record is chosen twice")
        var got = n.map { $0.map { _ in 0 } }
        var sub = n.map { $0.map { _ in Array(repeating: 0, count: pop.dataset.classCount) } }
        for i in chosen {
          got[pop.dataset.groups[i]][pop.dataset.labels[i]] += 1
          sub[pop.dataset.groups[i]][pop.dataset.labels[i]][pop.basePredictions[i]] += 1
        }
        #expect(got == m, "mode \(mode), population \(index)")
        if mode == .stratified {
          let counts = pop.counts(predictions: pop.basePredictions).counts
          for a in counts.indices {
            for y in counts[a].indices where n[a][y] > 0 {
              for yh in counts[a][y].indices {
                let ideal = Double(m[a][y]) * Double(counts[a][y][yh]) / Double(n[a][y])
                #expect(abs(Double(sub[a][y][yh]) - ideal) < 1, "sub-cell (\(a),\(y),\(yh))")
              }
            }
          }
        }
      }
      // Rounding of a witness: round(x N) clamped to the cell.
      let x = n.map { $0.map { Double($0) / Double(selector.recordCount) } }
      #expect(selector.recordCounts(for: x) == n)
    }
  }
}

@Suite("Lookup memorizer against the theory")
struct LookupTests {
  @Test("the LP witness realized by whole records zeroes EOpp and EOdds up to the rounding bound")
  func realizesWitness() throws {
    let seed = TestSeed.value(default: 23)
    var rng = SplitMix64(seed: seed)
    for index in 0..<6 {
      let pop = try population(index, seed: seed)
      let base = try pop.baseStatistics()
      let selector = pop.selector
      let n = selector.cellCounts
      for metric in [FairnessMetric.equalOpportunity, .equalizedOdds] {
        let answer = try MemorizationAnalysis.analyze(base, metric: metric, options: MetricOptions())
        #expect(answer.feasible, "EOpp and EOdds are always feasible (R6, R7)")
        let witness = try #require(answer.witness)
        let m = selector.recordCounts(for: witness)
        let chosen = selector.select(counts: m, mode: .stratified, using: &rng)
        let memorizer = pop.lookup(memorizing: chosen)
        #expect(memorizer.memorizedCount == m.joined().reduce(0, +))
        let measured = try pop.statistics(predictions: memorizer.predictions)
        for entry in metricEntries(measured, metric: metric) {
          let bound =
            AgreementBand.stratified(entry.entry, cellCounts: n) + AgreementBand.rounding(entry.entry, cellCounts: n)
            + 1e-8
          #expect(abs(entry.value) <= bound, "population \(index) \(entry.label): \(entry.value) > \(bound)")
        }
        // The memorized fraction is the LP minimum up to whole records.
        let fraction = Double(memorizer.memorizedCount) / Double(pop.recordCount)
        #expect(
          abs(fraction - (answer.minMass ?? -1)) <= 0.5 * Double(n.joined().count) / Double(pop.recordCount) + 1e-9)
      }
    }
  }

  @Test("measured R1-R3 equal biasReport at x = m/N within the stratified and hypergeometric bands")
  func randomMemorizations() throws {
    let seed = TestSeed.value(default: 37)
    var rng = SplitMix64(seed: seed)
    for index in 0..<6 {
      let pop = try population(index, seed: seed)
      let base = try pop.baseStatistics()
      let n = pop.selector.cellCounts
      let counts = pop.counts(predictions: pop.basePredictions).counts
      for mode in MemorizationSetSelector.Mode.allCases {
        for _ in 0..<3 {
          let m = n.map { $0.map { Int(rng.next() % UInt64($0 + 1)) } }
          let chosen = pop.selector.select(counts: m, mode: mode, using: &rng)
          let measured = try pop.statistics(predictions: pop.lookup(memorizing: chosen).predictions)
          let x = m.map { $0.map { Double($0) / Double(pop.recordCount) } }
          for metric in FairnessMetric.gapVectors {
            let predicted = metricEntries(base, metric: metric, memorized: x)
            let got = metricEntries(measured, metric: metric)
            #expect(predicted.count == got.count)
            for (p, g) in zip(predicted, got) {
              let band =
                mode == .stratified
                ? AgreementBand.stratified(p.entry, cellCounts: n) + 1e-12
                : AgreementBand.hypergeometric(p.entry, counts: counts, memorized: m, z: 5)
              #expect(
                abs(g.value - p.value) <= band,
                "\(mode) population \(index) \(p.label): measured \(g.value), predicted \(p.value)")
            }
          }
        }
      }
      // Memorizing nothing is the base classifier exactly.
      let none = try pop.statistics(predictions: pop.lookup(memorizing: []).predictions)
      for metric in FairnessMetric.gapVectors {
        let a = metricEntries(none, metric: metric).map(\.value)
        let b = metricEntries(base, metric: metric).map(\.value)
        #expect(mismatch(a, b, absolute: Tolerance.tight) == nil)
      }
    }
  }
}

@Suite("Nearest-neighbour and MLP memorizers")
struct OtherMemorizerTests {
  @Test("radius 0 equals the lookup memorizer on the training points")
  func radiusZero() throws {
    let seed = TestSeed.value(default: 41)
    var rng = SplitMix64(seed: seed)
    for index in 0..<4 {
      let pop = try population(index, seed: seed)
      let n = pop.selector.cellCounts
      let m = n.map { $0.map { Int(rng.next() % UInt64($0 + 1)) } }
      let chosen = pop.selector.select(counts: m, mode: .uniform, using: &rng)
      let nn = NearestNeighbourMemorizer(reference: pop.dataset, memorized: chosen, radius: 0)
      #expect(
        nn.predictions(for: pop.dataset, basePredictions: pop.basePredictions)
          == pop.lookup(memorizing: chosen).predictions)
      // A huge radius memorizes everywhere: every prediction is some memorized label.
      let everywhere = NearestNeighbourMemorizer(reference: pop.dataset, memorized: chosen, radius: 1e6)
      if !chosen.isEmpty {
        let labels = Set(chosen.map { pop.dataset.labels[$0] })
        #expect(
          everywhere.predictions(for: pop.dataset, basePredictions: pop.basePredictions).allSatisfy(labels.contains))
      }
    }
  }

  @Test("the interpolating MLP fits its memorized set")
  func mlpInterpolates() throws {
    let seed = TestSeed.value(default: 43)
    var rng = SplitMix64(seed: seed)
    let pop = try population(0, seed: seed)
    let chosen = pop.selector.select(
      counts: pop.selector.cellCounts.map { $0.map { $0 / 5 } }, mode: .uniform, using: &rng)
    let mlp = try InterpolatingMLPMemorizer(
      population: pop.dataset, basePredictions: pop.basePredictions, memorized: chosen,
      options: .init(hiddenWidth: 64, maximumEpochs: 400), using: &rng)
    print(
      "[mlp] memorized accuracy \(mlp.memorizedAccuracy), off-D agreement \(mlp.offMemorizedAgreement), epochs \(mlp.report.epochs)"
    )
    #expect(mlp.memorizedAccuracy >= 0.95)
    #expect(mlp.predictions.count == pop.recordCount)
  }
}

@Suite("End-to-end validation")
struct EndToEndTests {
  @Test("validate agrees with the theory on 5 synthetic populations")
  func fivePopulations() throws {
    let seed = TestSeed.value(default: 7)
    let settings = ValidationSettings(
      randomMemorizations: 2, radii: [0, 0.5], interpolatingMLP: true,
      mlpOptions: .init(hiddenWidth: 32, maximumEpochs: 100))
    for index in 0..<5 {
      let (name, pop) = try ValidationPopulations.synthetic(index: index, seed: seed)
      let result = try TheoryValidator.validate(pop, name: name, settings: settings, seed: seed &+ UInt64(index))
      #expect(result.agrees, "\(name)")
      #expect(result.metrics.count == 3)
      for metric in result.metrics {
        if metric.metric != .statisticalParity { #expect(metric.feasible) }
        if metric.feasible { #expect(metric.radiusZeroMatchesLookup == true) }
        if !metric.feasible { #expect(metric.certificateVerified == true) }
      }
    }
  }
}

@Suite("Recorded entries")
struct EntriesTests {
  @Test("recordEntries keeps every other result and lists lookup entries within their bands")
  func entriesAreAdditive() throws {
    let seed = TestSeed.value(default: 5)
    let mlp = InterpolatingMLPMemorizer.Options(hiddenWidth: 8, maximumEpochs: 5)
    for index in 0..<2 {
      let (name, pop) = try ValidationPopulations.synthetic(index: index, seed: seed)
      let plain = ValidationSettings(randomMemorizations: 2, radii: [0, 0.5], interpolatingMLP: true, mlpOptions: mlp)
      var recording = plain
      recording.recordEntries = true
      let a = try TheoryValidator.validate(pop, name: name, settings: plain, seed: seed &+ UInt64(index))
      let b = try TheoryValidator.validate(pop, name: name, settings: recording, seed: seed &+ UInt64(index))
      #expect(a.entries.isEmpty)
      #expect(!b.entries.isEmpty)
      for (x, y) in zip(a.metrics, b.metrics) {
        #expect(x.measuredGapStratified == y.measuredGapStratified && x.measuredGapUniform == y.measuredGapUniform)
        #expect(x.nearestNeighbourGaps == y.nearestNeighbourGaps && x.mlpGap == y.mlpGap)
      }
      for (x, y) in zip(a.randomChecks, b.randomChecks) { #expect(x.largestDeviation == y.largestDeviation) }
      let lookup = b.entries.filter { $0.memorizer == .lookup }
      #expect(lookup.allSatisfy { abs($0.measured - $0.predicted) <= $0.band }, "\(name)")
      // Random sets: every entry of every metric per memorization and mode.
      let perMemorization = FairnessMetric.gapVectors.map { metricEntries(try! pop.baseStatistics(), metric: $0).count }
        .reduce(0, +)
      #expect(lookup.filter { $0.setting == .random }.count == 2 * 2 * perMemorization)
      #expect(
        b.entries.contains { $0.memorizer == .mlp }
          && b.entries.contains { $0.memorizer == .nearestNeighbour && $0.radius == 0.5 })
    }
  }
}

@Suite("Choosing D by the integer LP")
struct IntegerSelectionTests {
  /// When rounding matters, D comes from the integer program on counts (GLPK's MIP): whole
  /// records per cell whose rates meet every entry within the rounding tolerance that whole
  /// records can always reach. Realized by stratified selection, the measured gap stays within
  /// that tolerance plus the stratified selection bound.
  @Test("integer-LP record counts, realized by the lookup memorizer, meet the tolerance")
  func integerRecordsRealizeTheTarget() throws {
    let seed = TestSeed.value(default: 41)
    var rng = SplitMix64(seed: seed)
    var realized = 0
    for index in 0..<4 {
      let pop = try population(index, seed: seed)
      let base = try pop.baseStatistics()
      let n = pop.selector.cellCounts
      for metric in FairnessMetric.gapVectors {
        let tolerance = MemorizationAnalysis.roundingTolerance(
          base, metric: metric, favorableClass: nil, records: pop.recordCount)
        let options = MetricOptions(tolerance: tolerance)
        let answer = try #require(try MemorizationAnalysis.integerMinimum(base, metric: metric, options: options))
        let continuous = try MemorizationAnalysis.analyze(base, metric: metric, options: options, certificate: false)
        #expect(
          answer.feasible == continuous.feasible, "population \(index) \(metric): integer and continuous feasibility")
        guard answer.feasible, let m = answer.records, let total = answer.totalRecords else { continue }
        #expect(Double(total) >= (answer.continuousLowerBound ?? 0).rounded(.up) - 1e-9)
        let chosen = pop.selector.select(counts: m, mode: .stratified, using: &rng)
        #expect(chosen.count == total)
        let measured = try pop.statistics(predictions: pop.lookup(memorizing: chosen).predictions)
        for entry in metricEntries(measured, metric: metric) {
          let bound = tolerance + AgreementBand.stratified(entry.entry, cellCounts: n) + 1e-8
          #expect(abs(entry.value) <= bound, "population \(index) \(entry.label): \(entry.value) > \(bound)")
        }
        realized += 1
      }
    }
    #expect(realized >= 8, "most (population, metric) pairs are feasible and realized")
  }
}
