import FairnessStatistics
import Testing
import _TestSupport

@testable import MemorizationTheory

/// The label memo (`LabelMemo`, used by `MemorizationProgram.rowLabels` and the variable names):
/// a memoized label is the label made afresh, whatever the names, shape, empty cells, metric,
/// favorable class and kind of rows, also after the memo has forgotten its entries.
@Suite("Label memo")
struct LabelMemoTests {
  @Test("row labels from the memo equal labels made afresh on seeded instances")
  func memoizedLabelsAreFreshLabels() {
    var rng = TestSeed.generator(default: 0x1ABE_0001)
    let metrics: [FairnessMetric] = [.statisticalParity, .equalOpportunity, .equalizedOdds]
    let kinds: [MemorizationProgram<Double>.Rows?] = [nil, .bands, .allPairs]
    // Several rounds over the same instances: the later rounds are memo hits.
    var instances: [PopulationStatistics<Double>] = []
    for i in 0..<120 {
      let stats = randomStatistics(
        InstanceShape(groups: 2...4, classes: 2...5, zeroCellProbability: i % 3 == 0 ? 0.3 : 0), using: &rng)
      instances.append(stats)
      // The same numbers under other names: names are part of the key.
      instances.append(
        PopulationStatistics(
          groups: stats.groups.map { "group \(i) \($0)" }, classes: stats.classes.map { "class \($0)" },
          population: stats.population, confusion: stats.confusion))
    }
    var checked = 0
    for _ in 0..<3 {
      for stats in instances {
        for metric in metrics {
          let favorable: [Int?] = [nil, Int.random(in: 0..<stats.classCount, using: &rng)]
          for favorableClass in favorable {
            for kind in kinds {
              let options = MetricOptions(favorableClass: favorableClass, tolerance: kind == .bands ? 0.01 : 0)
              let rows = kind ?? MemorizationProgram<Double>.defaultRows(options)
              let fresh = MemorizationProgram.makeRowLabels(
                statistics: stats, metric: metric, options: options, rows: rows)
              let memoized = MemorizationProgram.rowLabels(
                statistics: stats, metric: metric, options: options, rows: kind)
              #expect(memoized == fresh, "\(metric.rawValue) \(options) rows \(rows) groups \(stats.groups)")
              checked += 1
            }
          }
        }
      }
    }
    #expect(checked == 3 * instances.count * 3 * 2 * 3)
  }

  @Test("a full memo forgets its entries and still answers each key with its own labels")
  func fullMemoStartsOver() {
    let memo = LabelMemo<Int>(capacity: 2)
    var made = 0
    for round in 0..<3 {
      for key in 0..<5 {
        let labels = memo.labels(for: key) {
          made += 1
          return ["label \(key)"]
        }
        #expect(labels == ["label \(key)"], "round \(round) key \(key)")
      }
    }
    // Five keys through a memo of two: every lookup of a forgotten key makes the labels again.
    #expect(made >= 5)
  }
}
