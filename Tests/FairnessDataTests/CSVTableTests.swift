import FairnessData
import Foundation
import Testing

@Suite("CSV parsing")
struct CSVTableTests {
  @Test func plainTableWithHeader() throws {
    let table = try CSVTable(text: "a,b,c\n1,2,3\n4,5,6\n")
    #expect(table.header == ["a", "b", "c"])
    #expect(table.rowCount == 2)
    #expect(table.string(row: 1, column: 2) == "6")
    #expect(table.lineNumbers == [2, 3])
    #expect(try table.columnIndex(named: "b") == 1)
    #expect(table.column(0) == ["1", "4"])
  }

  @Test("Quoted fields: delimiters, doubled quotes, line breaks, CRLF")
  func quotedFields() throws {
    let text = "name,note,x\r\n\"Doe, Jane\",\"said \"\"hi\"\"\",1\r\n\"multi\nline\",\"\",2\r\nplain,  spaced  ,3\r\n"
    let table = try CSVTable(text: text, source: "q.csv")
    #expect(table.rowCount == 3)
    #expect(table.string(row: 0, column: 0) == "Doe, Jane")
    #expect(table.string(row: 0, column: 1) == "said \"hi\"")
    #expect(table.string(row: 1, column: 0) == "multi\nline")
    #expect(table.string(row: 1, column: 1) == "")
    #expect(table.string(row: 2, column: 1) == "spaced")
    // The row after a quoted line break starts two physical lines later.
    #expect(table.lineNumbers == [2, 3, 5])
  }

  @Test("Whitespace trimming is optional; quotes keep inner spaces")
  func trimming() throws {
    let text = "a,b\n  x , \" y \" \n"
    #expect(try CSVTable(text: text).string(row: 0, column: 0) == "x")
    #expect(try CSVTable(text: text).string(row: 0, column: 1) == " y ")
    let raw = try CSVTable(text: "a,b\n  x ,y\n", format: CSVFormat(trimsWhitespace: false))
    #expect(raw.string(row: 0, column: 0) == "  x ")
  }

  @Test("Blank lines, a byte-order mark and a missing final newline are fine")
  func blankLinesAndBOM() throws {
    let table = try CSVTable(text: "\u{FEFF}a,b\n\n1,2\n\n\n3,4")
    #expect(table.header == ["a", "b"])
    #expect(table.rowCount == 2)
    #expect(table.lineNumbers == [3, 6])
  }

  @Test("Headerless files, given or generated column names, other delimiters, skipped lines")
  func headerless() throws {
    let table = try CSVTable(
      text: "banner line\n1 2 3\n4 5 6\n",
      format: CSVFormat(delimiter: " ", hasHeader: false, columnNames: ["p", "q", "r"], skipLeadingLines: 1))
    #expect(table.header == ["p", "q", "r"])
    #expect(table.string(row: 1, column: 1) == "5")
    #expect(table.lineNumbers == [2, 3])
    let generated = try CSVTable(text: "1;2\n3;4\n", format: CSVFormat(delimiter: ";", hasHeader: false))
    #expect(generated.header == ["column1", "column2"])
  }

  @Test("Repeated header names get #2, #3 suffixes")
  func duplicateHeader() throws {
    let table = try CSVTable(text: "x,y,x,x\n1,2,3,4\n")
    #expect(table.header == ["x", "y", "x#2", "x#3"])
    #expect(try table.columnIndex(named: "x") == 0)
  }

  @Test("A suffix the file already uses is skipped: names stay distinct")
  func suffixCollision() throws {
    let table = try CSVTable(text: "a,a,a#2,a\n1,2,3,4\n")
    #expect(table.header == ["a", "a#3", "a#2", "a#4"])
    #expect(Set(table.header).count == 4)
    #expect(try table.string(row: 0, column: table.columnIndex(named: "a#2")) == "3")
  }

  @Test("100,000 columns, every name repeated: header deduplicated in linear time")
  func manyRepeatedColumns() throws {
    let width = 100_000
    let text =
      Array(repeating: "x", count: width).joined(separator: ",") + "\n"
      + Array(repeating: "1", count: width).joined(separator: ",") + "\n"
    let clock = ContinuousClock()
    let start = clock.now
    let table = try CSVTable(text: text)
    let elapsed = clock.now - start
    #expect(Set(table.header).count == width)
    #expect(table.header.last == "x#\(width)")
    #expect(elapsed < .seconds(5), "took \(elapsed)")
  }

  @Test("A ragged row names file, line and field counts")
  func raggedRow() throws {
    let error = #expect(throws: FairnessDataError.self) {
      try CSVTable(text: "a,b,c\n1,2,3\n\n4,5\n", source: "r.csv")
    }
    #expect(error == .malformedRow(file: "r.csv", line: 4, problem: "expected 3 fields (as in the header) but found 2"))
    #expect(error?.description == "r.csv:4: malformed row: expected 3 fields (as in the header) but found 2.")
    #expect(throws: FairnessDataError.self) { try CSVTable(text: "a,b\n1,2,3\n") }
  }

  @Test("Unterminated quotes and text after a closing quote are malformed")
  func badQuotes() throws {
    let open = #expect(throws: FairnessDataError.self) { try CSVTable(text: "a,b\n1,2\n\"oops,3\n", source: "u.csv") }
    guard case .malformedRow(let file, let line, let problem) = open else {
      Issue.record("expected malformedRow, got \(String(describing: open))")
      return
    }
    #expect(file == "u.csv" && line == 3 && problem.contains("never closed"))
    let after = #expect(throws: FairnessDataError.self) { try CSVTable(text: "a,b\n\"x\"y,2\n") }
    guard case .malformedRow(_, 2, let problem2) = after else {
      Issue.record("expected malformedRow on line 2, got \(String(describing: after))")
      return
    }
    #expect(problem2.contains("after its closing quote"))
  }

  @Test("Empty input, bad delimiters and missing files are typed errors")
  func otherErrors() throws {
    #expect(throws: FairnessDataError.emptyTable(file: "e.csv")) { try CSVTable(text: "\n\n", source: "e.csv") }
    #expect(throws: FairnessDataError.self) { try CSVTable(text: "a\n", format: CSVFormat(delimiter: "\"")) }
    #expect(throws: FairnessDataError.self) { try CSVTable(text: "a\n", format: CSVFormat(delimiter: "é")) }
    #expect(throws: FairnessDataError.missingFile(path: "/nonexistent/x.csv")) {
      try CSVTable(contentsOfFile: "/nonexistent/x.csv")
    }
    #expect(throws: FairnessDataError.unknownColumn(name: "z", file: "<text>", available: ["a", "b"])) {
      try CSVTable(text: "a,b\n1,2\n").columnIndex(named: "z")
    }
  }
}
