#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The dialect of a delimited text file.
public struct CSVFormat: Sendable, Equatable, Hashable {
  /// The field separator; must be an ASCII character other than `"`, CR or LF.
  public var delimiter: Unicode.Scalar
  /// Whether the first record (after `skipLeadingLines`) holds the column names.
  public var hasHeader: Bool
  /// Column names for a file without a header; `nil` names them `column1`, `column2`, ...
  public var columnNames: [String]?
  /// Whether spaces and tabs around unquoted fields (and around quotes) are removed.
  public var trimsWhitespace: Bool
  /// Physical lines skipped before parsing starts (for example a banner line).
  public var skipLeadingLines: Int

  /// Creates a format; the defaults describe an ordinary comma-separated file with a header.
  public init(
    delimiter: Unicode.Scalar = ",", hasHeader: Bool = true, columnNames: [String]? = nil,
    trimsWhitespace: Bool = true, skipLeadingLines: Int = 0
  ) {
    self.delimiter = delimiter
    self.hasHeader = hasHeader
    self.columnNames = columnNames
    self.trimsWhitespace = trimsWhitespace
    self.skipLeadingLines = skipLeadingLines
  }
}

/// A parsed delimited text file: column names and every field of every data row, as text.
///
/// Parsing works on raw UTF-8 bytes (no per-character `String` work) and follows RFC 4180:
/// fields may be quoted with `"`, a quoted field may contain delimiters, line breaks and doubled
/// quotes (`""` for one `"`); LF, CRLF and CR line ends are accepted. Blank lines are skipped.
/// Every row remembers its 1-based line number in the source so errors can point at it. A row
/// with a different number of fields from the header, an unterminated quote or text after a
/// closing quote is reported as `FairnessDataError.malformedRow`.
public struct CSVTable: Sendable {
  /// Where the text came from (a path or a caller-supplied label), used in error messages.
  public let source: String
  /// The column names (from the header or the format).
  public let header: [String]
  /// The number of data rows.
  public private(set) var rowCount: Int
  /// Unescaped field bytes of all cells, row-major, back to back.
  var storage: [UInt8]
  /// `ends[k]` is the end offset in `storage` of cell `k` (= row * columnCount + column); a
  /// cell starts where the previous one ends.
  var ends: [Int]
  /// 1-based source line of every data row.
  public private(set) var lineNumbers: [Int]

  /// The number of columns.
  public var columnCount: Int { header.count }

  /// Parses `text` (for example an inline table in a test).
  public init(text: String, source: String = "<text>", format: CSVFormat = CSVFormat())
    throws(FairnessDataError)
  {
    try self.init(bytes: Array(text.utf8), source: source, format: format)
  }

  /// Reads and parses the file at `path`.
  ///
  /// - Throws: `.missingFile` when it does not exist, `.unreadableFile`, `.malformedRow`,
  ///   `.emptyTable` when it has no header or no columns.
  public init(contentsOfFile path: String, format: CSVFormat = CSVFormat()) throws(FairnessDataError) {
    try self.init(bytes: try readFile(path), source: path, format: format)
  }

  /// Parses UTF-8 `bytes`.
  public init(bytes: [UInt8], source: String, format: CSVFormat = CSVFormat()) throws(FairnessDataError) {
    guard format.delimiter.isASCII, format.delimiter != "\"", format.delimiter != "\n",
      format.delimiter != "\r"
    else {
      throw .invalidParameter(
        name: "delimiter",
        problem:
          "'\(format.delimiter.escaped(asASCII: true))' must be an ASCII character other than a quote or line break")
    }
    guard format.skipLeadingLines >= 0 else {
      throw .invalidParameter(name: "skipLeadingLines", problem: "\(format.skipLeadingLines) is negative")
    }
    var parser = CSVParser(delimiter: UInt8(format.delimiter.value), trims: format.trimsWhitespace)
    let result = try bytes.withUnsafeBufferPointer { (buffer) throws(FairnessDataError) -> CSVParser.Output in
      try parser.parse(buffer, source: source, skipLines: format.skipLeadingLines, header: format.hasHeader)
    }
    var header: [String]
    if format.hasHeader {
      guard let parsed = result.header else { throw .emptyTable(file: source) }
      header = parsed
    } else if let names = format.columnNames {
      header = names
    } else {
      header = (0..<(result.firstWidth ?? 0)).map { "column\($0 + 1)" }
    }
    guard !header.isEmpty else { throw .emptyTable(file: source) }
    // Check every row against the header width.
    for (r, width) in result.widths.enumerated() {
      if width != header.count {
        throw .malformedRow(
          file: source, line: result.lines[r],
          problem:
            "expected \(header.count) fields (as in the \(format.hasHeader ? "header" : "column names")) but found \(width)"
        )
      }
    }
    // Deduplicate header names so that every column has a distinct name: a repeated name gets
    // a suffix "#2", "#3", ... (COMPAS repeats `decile_score` and `priors_count`), skipping
    // suffixed names the file itself uses (in `a,a,a#2` the second `a` becomes `a#3`).
    // Hash sets: linear in the number of columns.
    var taken = Set(header)
    var lastSuffix = [String: Int]()
    for (j, name) in header.enumerated() {
      guard let last = lastSuffix[name] else {
        lastSuffix[name] = 1  // the first column of a name keeps it
        continue
      }
      var count = last + 1
      while taken.contains("\(name)#\(count)") { count += 1 }
      lastSuffix[name] = count
      header[j] = "\(name)#\(count)"
      taken.insert(header[j])
    }
    self.source = source
    self.header = header
    self.rowCount = result.lines.count
    self.storage = result.storage
    self.ends = result.ends
    self.lineNumbers = result.lines
  }

  /// The index of the column called `name` (the first one when the file repeats a name; later
  /// repeats are called `name#2`, `name#3`, ...).
  ///
  /// - Throws: `.unknownColumn` listing the available columns.
  public func columnIndex(named name: String) throws(FairnessDataError) -> Int {
    guard let j = header.firstIndex(of: name) else {
      throw .unknownColumn(name: name, file: source, available: header)
    }
    return j
  }

  /// The text of the field in `row`, `column` (unquoted and unescaped).
  public func string(row: Int, column: Int) -> String {
    let k = row * columnCount + column
    let start = k == 0 ? 0 : ends[k - 1]
    return storage.withUnsafeBufferPointer { buffer in
      String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<ends[k]]), as: UTF8.self)
    }
  }

  /// All values of `column`, in row order.
  public func column(_ column: Int) -> [String] {
    (0..<rowCount).map { string(row: $0, column: column) }
  }

  /// Dictionary-encodes `column`: `values` are the distinct texts in order of first appearance
  /// and `codes[row]` indexes into them. Fields are hashed and compared as bytes (FNV-1a, open
  /// addressing), so a `String` is built only once per distinct value.
  func dictionaryEncoded(column: Int) -> (codes: [Int], values: [String]) {
    var codes = [Int]()
    codes.reserveCapacity(rowCount)
    var values = [String]()
    var firstCell = [Int]()  // cell index of each distinct value's first occurrence
    var hashes = [UInt64]()
    var slots = [Int](repeating: -1, count: 64)
    storage.withUnsafeBufferPointer { buffer in
      ends.withUnsafeBufferPointer { ends in
        func bounds(_ k: Int) -> (Int, Int) { (k == 0 ? 0 : ends[k - 1], ends[k]) }
        func equal(_ a: Int, _ b: Int) -> Bool {
          let (sa, ea) = bounds(a)
          let (sb, eb) = bounds(b)
          guard ea - sa == eb - sb else { return false }
          for i in 0..<(ea - sa) where buffer[sa + i] != buffer[sb + i] { return false }
          return true
        }
        for r in 0..<rowCount {
          let k = r * columnCount + column
          let (start, end) = bounds(k)
          var h: UInt64 = 0xcbf2_9ce4_8422_2325
          for i in start..<end { h = (h ^ UInt64(buffer[i])) &* 0x100_0000_01b3 }
          var mask = slots.count - 1
          var slot = Int(truncatingIfNeeded: h) & mask
          var code = -1
          while slots[slot] >= 0 {
            let candidate = slots[slot]
            if hashes[candidate] == h, equal(firstCell[candidate], k) {
              code = candidate
              break
            }
            slot = (slot + 1) & mask
          }
          if code < 0 {
            code = values.count
            values.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
            firstCell.append(k)
            hashes.append(h)
            slots[slot] = code
            if values.count * 2 > slots.count {
              // Grow and rehash.
              slots = [Int](repeating: -1, count: slots.count * 4)
              mask = slots.count - 1
              for (v, hv) in hashes.enumerated() {
                var s = Int(truncatingIfNeeded: hv) & mask
                while slots[s] >= 0 { s = (s + 1) & mask }
                slots[s] = v
              }
            }
          }
          codes.append(code)
        }
      }
    }
    return (codes, values)
  }

  /// Whether each row has a field exactly equal to `text` (compared as bytes, without building
  /// strings), in any column.
  func rowsContainingField(_ text: String) -> [Bool] {
    let needle = Array(text.utf8)
    var found = [Bool](repeating: false, count: rowCount)
    storage.withUnsafeBufferPointer { buffer in
      var start = 0
      for k in 0..<ends.count {
        let end = ends[k]
        if end - start == needle.count, !found[k / columnCount] {
          var equal = true
          for (offset, byte) in needle.enumerated() where buffer[start + offset] != byte {
            equal = false
            break
          }
          if equal { found[k / columnCount] = true }
        }
        start = end
      }
    }
    return found
  }

  /// Appends the rows of `other`, which must have the same number of columns (its header is
  /// ignored). Line numbers keep referring to each row's own file.
  mutating func append(rowsOf other: CSVTable) {
    precondition(other.columnCount == columnCount)
    let base = storage.count
    storage.append(contentsOf: other.storage)
    ends.append(contentsOf: other.ends.map { $0 + base })
    lineNumbers.append(contentsOf: other.lineNumbers)
    rowCount += other.rowCount
  }
}

/// The byte-level state machine behind `CSVTable`.
struct CSVParser {
  let delimiter: UInt8
  let trims: Bool

  struct Output {
    var header: [String]?
    var storage: [UInt8] = []
    var ends: [Int] = []
    var widths: [Int] = []
    var lines: [Int] = []
    var firstWidth: Int?
  }

  static let quote = UInt8(ascii: "\"")
  static let lf = UInt8(ascii: "\n")
  static let cr = UInt8(ascii: "\r")
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")

  @inline(__always) func isBlank(_ c: UInt8) -> Bool {
    (c == Self.space || c == Self.tab) && c != delimiter
  }

  mutating func parse(
    _ b: UnsafeBufferPointer<UInt8>, source: String, skipLines: Int, header wantsHeader: Bool
  ) throws(FairnessDataError) -> Output {
    var out = Output()
    out.storage.reserveCapacity(b.count)
    let n = b.count
    var p = 0
    var line = 1
    // Skip a UTF-8 byte-order mark.
    if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { p = 3 }
    // Skip leading physical lines.
    var skipped = 0
    while skipped < skipLines, p < n {
      while p < n, b[p] != Self.lf, b[p] != Self.cr { p += 1 }
      if p < n {
        if b[p] == Self.cr, p + 1 < n, b[p + 1] == Self.lf { p += 1 }
        p += 1
        line += 1
      }
      skipped += 1
    }
    var needHeader = wantsHeader
    var headerFields = [String]()
    while p < n {
      let recordLine = line
      let recordStart = out.storage.count
      let endsStart = out.ends.count
      var fields = 0
      var sawQuote = false
      while true {
        var q = p
        if trims { while q < n, isBlank(b[q]) { q += 1 } }
        if q < n, b[q] == Self.quote {
          sawQuote = true
          q += 1
          while true {
            guard q < n else {
              throw .malformedRow(
                file: source, line: recordLine,
                problem: "field \(fields + 1) has an opening quote that is never closed")
            }
            let c = b[q]
            if c == Self.quote {
              if q + 1 < n, b[q + 1] == Self.quote {
                out.storage.append(Self.quote)
                q += 2
                continue
              }
              q += 1
              break
            }
            if c == Self.lf || (c == Self.cr && !(q + 1 < n && b[q + 1] == Self.lf)) { line += 1 }
            out.storage.append(c)
            q += 1
          }
          if trims { while q < n, isBlank(b[q]) { q += 1 } }
          if q < n, b[q] != delimiter, b[q] != Self.lf, b[q] != Self.cr {
            throw .malformedRow(
              file: source, line: line,
              problem:
                "field \(fields + 1) has the character '\(Unicode.Scalar(b[q]))' after its closing quote (a quote inside a quoted field must be doubled)"
            )
          }
        } else {
          let start = q
          while q < n, b[q] != delimiter, b[q] != Self.lf, b[q] != Self.cr { q += 1 }
          var end = q
          if trims { while end > start, isBlank(b[end - 1]) { end -= 1 } }
          if end > start { out.storage.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<end])) }
        }
        out.ends.append(out.storage.count)
        fields += 1
        if q < n, b[q] == delimiter {
          p = q + 1
          continue
        }
        // End of record.
        if q < n {
          if b[q] == Self.cr, q + 1 < n, b[q + 1] == Self.lf { q += 1 }
          q += 1
          line += 1
        }
        p = q
        break
      }
      // A blank line: one empty, unquoted field.
      if fields == 1, !sawQuote, out.storage.count == recordStart {
        out.ends.removeLast()
        continue
      }
      if needHeader {
        var start = recordStart
        for k in endsStart..<out.ends.count {
          headerFields.append(String(decoding: out.storage[start..<out.ends[k]], as: UTF8.self))
          start = out.ends[k]
        }
        out.storage.removeSubrange(recordStart...)
        out.ends.removeSubrange(endsStart...)
        out.header = headerFields
        needHeader = false
        continue
      }
      if out.firstWidth == nil { out.firstWidth = fields }
      out.widths.append(fields)
      out.lines.append(recordLine)
    }
    return out
  }
}

/// Reads a whole file into memory.
func readFile(_ path: String) throws(FairnessDataError) -> [UInt8] {
  guard let file = fopen(path, "rb") else {
    let code = errno
    if code == ENOENT { throw .missingFile(path: path) }
    throw .unreadableFile(path: path, reason: String(cString: strerror(code)))
  }
  defer { fclose(file) }
  var bytes = [UInt8]()
  var chunk = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
    if got > 0 { bytes.append(contentsOf: chunk[0..<got]) }
    if got < chunk.count {
      if ferror(file) != 0 {
        throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
      }
      break
    }
  }
  return bytes
}

/// Whether a regular file exists at `path`.
func fileExists(_ path: String) -> Bool {
  var info = stat()
  return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
}
