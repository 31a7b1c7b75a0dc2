import DemographicsFreeReweighting
import DenseLinearAlgebra
import FairnessData
import SeededRandom
import Testing
import _TestSupport

/// A small synthetic split (the group-size-discrepancy benchmark, 4-D Gaussians, 600 rows).
func syntheticSplit(seed: UInt64) throws -> Split {
  let population = try SyntheticPopulation.biasBenchmark(.groupSizeDiscrepancy(), dimension: 4)
  return try population.sample(count: 600, seed: seed).dataset.stratifiedSplit(
    fractions: SplitFractions(validation: 0.2, test: 0.2), seed: seed)
}

func shortConfiguration() -> GroupFreeConfiguration {
  var c = GroupFreeConfiguration()
  c.hiddenWidth = 8
  c.maximumEpochs = 6
  c.patience = 3
  c.batchSize = 32
  return c
}

@Suite("Group-free training: end to end, determinism, no group labels in training, bad input")
struct TrainingTests {
  @Test(arguments: GroupFreeMethod.allCases)
  func everyMethodTrainsAndSelectsTheBestValidationEpoch(method: GroupFreeMethod) throws {
    let seed = TestSeed.value(default: 3201)
    setThreadCount(1)
    let split = try syntheticSplit(seed: seed)
    let trained = try GroupFreeTrainer(method: method, configuration: shortConfiguration())
      .train(GroupFreeTrainingSet(split.train), selector: EpochSelector(validation: split.validation))
    #expect(!trained.history.isEmpty && trained.history.count <= 6)
    let best = trained.history.map(\.validationWorstGroupAccuracy).max()!
    #expect(trained.history[trained.selectedEpoch - 1].validationWorstGroupAccuracy == best)
    #expect(trained.history.allSatisfy { $0.meanTrainingLoss.isFinite && $0.meanTrainingLoss > 0 })
    // The returned learner is the selected epoch's: re-scoring it on validation gives the record.
    let x = split.validation.matrix
    let metrics = try GroupOutcomeMetrics(
      labels: split.validation.labels, groups: split.validation.groups, predictions: trained.learner.predict(x),
      groupNames: split.validation.groupNames, split: "validation")
    #expect(abs(metrics.worstGroupAccuracy - best) < 1e-12)
  }

  @Test func trainingIsDeterministicAndDependsOnTheSeed() throws {
    setThreadCount(1)
    let split = try syntheticSplit(seed: 7)
    let training = try GroupFreeTrainingSet(split.train)
    let selector = try EpochSelector(validation: split.validation)
    var configuration = shortConfiguration()
    let first = try GroupFreeTrainer(method: .gog, configuration: configuration).train(training, selector: selector)
    let second = try GroupFreeTrainer(method: .gog, configuration: configuration).train(training, selector: selector)
    #expect(first.learner == second.learner && first.history == second.history)
    configuration.trainingSeed = 99
    let other = try GroupFreeTrainer(method: .gog, configuration: configuration).train(training, selector: selector)
    #expect(other.learner != first.learner)
  }

  @Test func trainingGroupLabelsDoNotChangeAnything() throws {
    // The training split with its group column scrambled gives bitwise the same report: groups reach
    // only selection (validation) and evaluation (test).
    setThreadCount(1)
    var plan = GroupFreePlan(
      dataset: "synthetic", methods: [.erm, .gog, .arl], neighbourCounts: [3], splitSeeds: [1, 2])
    plan.configuration = shortConfiguration()
    let original = try GroupFreeExperiment.run(plan) { try syntheticSplit(seed: $0) }
    let scrambled = try GroupFreeExperiment.run(plan) { seed in
      var split = try syntheticSplit(seed: seed)
      let t = split.train
      split.train = try Dataset(
        features: t.features, featureNames: t.featureNames, labels: t.labels, classNames: t.classNames,
        groups: t.groups.indices.map { ($0 * 7 + 3) % t.groupCount }, groupNames: t.groupNames, name: t.name)
      return split
    }
    #expect(original.runs == scrambled.runs)
    #expect(original.runs.count == 6 && original.summaries.count == 3)
    // The paired change from ERM is the mean of the per-split differences.
    let gog = original.summaries.first { $0.method == .gog }!
    let differences = [UInt64(1), 2].map { seed in
      original.runs.first { $0.method == .gog && $0.splitSeed == seed }!.test.worstGroupAccuracy
        - original.runs.first { $0.method == .erm && $0.splitSeed == seed }!.test.worstGroupAccuracy
    }
    #expect(abs(gog.worstGroupAccuracyChangeFromERM!.mean - (differences[0] + differences[1]) / 2) < 1e-15)
    #expect(original.summaries.first { $0.method == .erm }!.worstGroupAccuracyChangeFromERM == nil)
  }

  @Test func badOptionsAreBadInputNamingTheOption() throws {
    let split = try syntheticSplit(seed: 2)
    let training = try GroupFreeTrainingSet(split.train)
    let selector = try EpochSelector(validation: split.validation)
    func option(_ change: (inout GroupFreeConfiguration) -> Void) -> String? {
      var c = shortConfiguration()
      change(&c)
      do {
        _ = try GroupFreeTrainer(method: .gog, configuration: c).train(training, selector: selector)
        return nil
      } catch {
        #expect(error.failureKind == .badInput)
        return error.field
      }
    }
    #expect(option { $0.neighbours = 0 } == "--neighbours")
    #expect(option { $0.neighbours = 32 } == "--neighbours")
    #expect(option { $0.batchSize = training.labels.count + 1 } == "--batch-size")
    #expect(option { $0.cvarAlpha = 0 } == "--cvar-alpha")
    #expect(option { $0.patience = 0 } == "--patience")
  }

  @Test func aFeatureThatEncodesTheGroupIsRefused() throws {
    let plan = GroupFreePlan(dataset: "synthetic", methods: [.erm], splitSeeds: [3])
    #expect {
      _ = try GroupFreeExperiment.run(plan) { seed in
        let s = try syntheticSplit(seed: seed)
        func leak(_ d: Dataset) throws -> Dataset {
          var f: [Double] = []
          for i in 0..<d.rowCount { f += Array(d.row(i)) + [Double(d.groups[i])] }
          return try Dataset(
            features: f, featureNames: d.featureNames + ["group_code"], labels: d.labels, classNames: d.classNames,
            groups: d.groups, groupNames: d.groupNames, name: d.name)
        }
        return Split(train: try leak(s.train), validation: try leak(s.validation), test: try leak(s.test))
      }
    } throws: { error in
      (error as? GroupFreeError)?.field == "--feature-column" && "\(error)".contains("group_code")
    }
  }
}
