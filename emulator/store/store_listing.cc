// ListObjects, ListObjectVersions and ListMultipartUploads, done in SQL over the (bucket, key) indexes:
// rows are fetched in key order in batches from a cursor; a key that rolls up into a common prefix
// makes the walk jump past every key under that prefix (to the prefix's byte successor), so a folder
// with a million objects costs one query, not a million rows.
#include <optional>

#include "emulator/store/sqlite_store.h"

namespace emulator::store::internal {
namespace {

// Smallest string greater than every string that starts with s; nullopt when there is none.
std::optional<std::string> Successor(std::string s) {
  while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xff) s.pop_back();
  if (s.empty()) return std::nullopt;
  s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
  return s;
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// The three queries of one listing: ?1 bucket, ?2 key, (within: ?3 seq), last ? limit.
struct ListSql {
  std::string exclusive;  // key > ?2 in (key, seq-order)
  std::string inclusive;  // key >= ?2
  std::string within;     // same key, after seq ?3 (empty = one row per key)
};

struct Cursor {
  enum Mode { kFrom, kAfter, kWithin } mode = kFrom;
  std::string key;
  int64_t seq = 0;
};

template <class Row>
struct Walk {
  std::vector<Row> rows;
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string next_key;
  const Row* last_row = nullptr;  // the last row returned when it was the last entry
};

// Generic walk. decode(stmt) -> Row; key_of/seq_of read a row.
template <class Row, class Decode, class KeyOf, class SeqOf>
Walk<Row> WalkKeys(Lease& r, const ListSql& sql, const std::string& bucket, const ListQuery& q, Cursor cursor,
                   Decode decode, KeyOf key_of, SeqOf seq_of) {
  Walk<Row> out;
  if (q.max_keys <= 0) return out;
  const int64_t max = q.max_keys;
  int64_t count = 0;
  bool last_was_row = false;
  while (true) {
    const int64_t want = std::min<int64_t>(max - count + 1, 1000);
    std::vector<Row> batch;
    auto run = [&](const std::string& text, bool with_seq, int64_t limit) {
      StmtScope s(r.Stmt(text));
      s->bind(1, bucket);
      s->bind(2, cursor.key);
      int next = 3;
      if (with_seq) s->bind(next++, static_cast<int64_t>(cursor.seq));
      s->bind(next, static_cast<int64_t>(limit));
      while (s->executeStep()) batch.push_back(decode(*s));
    };
    if (cursor.mode == Cursor::kWithin && !sql.within.empty()) {
      run(sql.within, true, want);
      if (static_cast<int64_t>(batch.size()) < want) run(sql.exclusive, false, want - static_cast<int64_t>(batch.size()));
    } else {
      run(cursor.mode == Cursor::kFrom ? sql.inclusive : sql.exclusive, false, want);
    }
    bool jumped = false;
    for (Row& row : batch) {
      const std::string& key = key_of(row);
      if (!StartsWith(key, q.prefix)) return out;
      size_t pos = q.delimiter.empty() ? std::string::npos : key.find(q.delimiter, q.prefix.size());
      if (count == max) {
        out.truncated = true;
        if (last_was_row) out.last_row = &out.rows.back();
        return out;
      }
      if (pos != std::string::npos) {
        std::string cp = key.substr(0, pos + q.delimiter.size());
        out.prefixes.push_back(cp);
        out.next_key = cp;
        ++count;
        last_was_row = false;
        std::optional<std::string> next = Successor(cp);
        if (!next) return out;
        cursor = {Cursor::kFrom, *next, 0};
        jumped = true;
        break;
      }
      cursor = {Cursor::kWithin, key, seq_of(row)};
      out.next_key = key;
      out.rows.push_back(std::move(row));  // `key` dangles from here on
      ++count;
      last_was_row = true;
    }
    if (!jumped && static_cast<int64_t>(batch.size()) < want) return out;
  }
}

// Where a listing starts: after the marker (or at the prefix), skipping a marker that is itself a
// common prefix (the NextMarker of a page that ended on a prefix).
Cursor StartCursor(const ListQuery& q) {
  if (q.marker.empty() || q.marker < q.prefix) return {Cursor::kFrom, q.prefix, 0};
  if (!q.delimiter.empty() && StartsWith(q.marker, q.prefix)) {
    size_t pos = q.marker.find(q.delimiter, q.prefix.size());
    if (pos != std::string::npos && pos + q.delimiter.size() == q.marker.size()) {
      std::optional<std::string> next = Successor(q.marker);
      if (!next) return {Cursor::kAfter, q.marker + std::string(1, '\xff'), 0};
      return {Cursor::kFrom, *next, 0};
    }
  }
  return {Cursor::kAfter, q.marker, 0};
}

const ListSql& LatestSql() {
  static const ListSql sql{
      std::string("SELECT ") + kVersionColumns +
          " FROM versions WHERE bucket = ? AND key > ? AND latest = 1 AND delete_marker = 0 ORDER BY key LIMIT ?",
      std::string("SELECT ") + kVersionColumns +
          " FROM versions WHERE bucket = ? AND key >= ? AND latest = 1 AND delete_marker = 0 ORDER BY key LIMIT ?",
      ""};
  return sql;
}

const ListSql& AllVersionsSql() {
  static const ListSql sql{
      std::string("SELECT ") + kVersionColumns +
          " FROM versions WHERE bucket = ? AND key > ? ORDER BY key, seq DESC LIMIT ?",
      std::string("SELECT ") + kVersionColumns +
          " FROM versions WHERE bucket = ? AND key >= ? ORDER BY key, seq DESC LIMIT ?",
      std::string("SELECT ") + kVersionColumns +
          " FROM versions WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?"};
  return sql;
}

constexpr const char* kUploadColumns =
    "rowid, upload_id, bucket, key, initiated, owner, initiator, meta, sse, wrapped_key, checksum_algorithm, "
    "checksum_type";

const ListSql& UploadsSql() {
  static const ListSql sql{
      std::string("SELECT ") + kUploadColumns + " FROM uploads WHERE bucket = ? AND key > ? ORDER BY key, rowid LIMIT ?",
      std::string("SELECT ") + kUploadColumns + " FROM uploads WHERE bucket = ? AND key >= ? ORDER BY key, rowid LIMIT ?",
      std::string("SELECT ") + kUploadColumns +
          " FROM uploads WHERE bucket = ? AND key = ? AND rowid > ? ORDER BY rowid LIMIT ?"};
  return sql;
}

}  // namespace

std::pair<int64_t, UploadRecord> DecodeUploadRow(SQLite::Statement& s) {
  UploadRecord u;
  u.upload_id = ColumnBytes(s, 1);
  u.bucket = ColumnBytes(s, 2);
  u.key = ColumnBytes(s, 3);
  u.initiated_millis = s.getColumn(4).getInt64();
  u.owner_account = ColumnBytes(s, 5);
  u.initiator_arn = ColumnBytes(s, 6);
  u.meta = MetaFromJson(ColumnBytes(s, 7));
  u.sse = SseFromJson(ColumnBytes(s, 8), ColumnBytes(s, 9));
  u.checksum_algorithm = ColumnBytes(s, 10);
  u.checksum_type = ColumnBytes(s, 11);
  return {s.getColumn(0).getInt64(), std::move(u)};
}

Result<ListResult> SqliteObjectStore::ListObjects(const std::string& bucket, const ListQuery& query) {
  return ListVersionsImpl(bucket, query, false);
}

Result<ListResult> SqliteObjectStore::ListObjectVersions(const std::string& bucket, const ListQuery& query) {
  return ListVersionsImpl(bucket, query, true);
}

Result<ListResult> SqliteObjectStore::ListVersionsImpl(const std::string& bucket, const ListQuery& q,
                                                       bool all_versions) {
  if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
  return Guarded([&]() -> Result<ListResult> {
    Lease r = pool_->Reader();
    Cursor cursor = StartCursor(q);
    if (all_versions && !q.marker.empty() && !q.version_id_marker.empty() && cursor.mode == Cursor::kAfter) {
      StmtScope s(r.Stmt("SELECT seq FROM versions WHERE bucket = ? AND key = ? AND version_id = ?"));
      s->bind(1, bucket);
      s->bind(2, q.marker);
      s->bind(3, q.version_id_marker);
      if (s->executeStep()) cursor = {Cursor::kWithin, q.marker, s->getColumn(0).getInt64()};
    }
    auto walk = WalkKeys<ObjectVersion>(
        r, all_versions ? AllVersionsSql() : LatestSql(), bucket, q, cursor,
        [](SQLite::Statement& s) { return DecodeVersion(s); },
        [](const ObjectVersion& v) -> const std::string& { return v.key; },
        [](const ObjectVersion& v) { return v.seq; });
    ListResult out;
    out.is_truncated = walk.truncated;
    if (walk.truncated) {
      out.next_marker = walk.next_key;
      if (walk.last_row != nullptr) out.next_version_id_marker = walk.last_row->version_id;
    }
    out.contents = std::move(walk.rows);
    out.common_prefixes = std::move(walk.prefixes);
    return out;
  });
}

Result<UploadList> SqliteObjectStore::ListUploads(const std::string& bucket, const ListQuery& q) {
  if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
  return Guarded([&]() -> Result<UploadList> {
    Lease r = pool_->Reader();
    Cursor cursor = StartCursor(q);
    if (!q.marker.empty() && !q.version_id_marker.empty() && cursor.mode == Cursor::kAfter) {
      StmtScope s(r.Stmt("SELECT rowid FROM uploads WHERE bucket = ? AND key = ? AND upload_id = ?"));
      s->bind(1, bucket);
      s->bind(2, q.marker);
      s->bind(3, q.version_id_marker);
      if (s->executeStep()) cursor = {Cursor::kWithin, q.marker, s->getColumn(0).getInt64()};
    }
    using Row = std::pair<int64_t, UploadRecord>;
    auto walk = WalkKeys<Row>(
        r, UploadsSql(), bucket, q, cursor, [](SQLite::Statement& s) { return DecodeUploadRow(s); },
        [](const Row& row) -> const std::string& { return row.second.key; },
        [](const Row& row) { return row.first; });
    UploadList out;
    out.is_truncated = walk.truncated;
    if (walk.truncated) {
      out.next_key_marker = walk.next_key;
      if (walk.last_row != nullptr) out.next_upload_id_marker = walk.last_row->second.upload_id;
    }
    for (auto& row : walk.rows) out.uploads.push_back(std::move(row.second));
    out.common_prefixes = std::move(walk.prefixes);
    return out;
  });
}

}  // namespace emulator::store::internal
