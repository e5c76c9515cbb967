// The PostgreSQL JDBC driver (Debian's libpostgresql-jdbc-java) against `basin server`: connect (trusted or
// with SCRAM), DatabaseMetaData (product version, getTables, getColumns, getSchemas), PreparedStatements
// (past the driver's switch to named server-side statements at the fifth run), autocommit off with
// commit, SQLSTATEs, foreign keys (getImportedKeys, getExportedKeys: none), and primary keys and indexes
// (getPrimaryKeys, getIndexInfo, getBestRowIdentifier: none), whose queries read fields of
// information_schema._pg_expandarray's composite rows in the select list and in a FROM subquery.
// Usage: java -cp postgresql.jar:. PgJdbcTest PORT [USER PASSWORD]
import java.sql.*;
import java.util.*;

public class PgJdbcTest {
  static void check(boolean ok, String what) { if (!ok) throw new AssertionError(what); }
  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/basin";
    Properties p = new Properties();
    p.setProperty("user", args.length > 1 ? args[1] : "basin");
    if (args.length > 2) p.setProperty("password", args[2]);
    try (Connection c = DriverManager.getConnection(url, p)) {
      DatabaseMetaData md = c.getMetaData();
      System.out.println(md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS jdbc_t");
        s.execute("CREATE TABLE jdbc_t (id INTEGER NOT NULL, name VARCHAR(20), price DECIMAL(10,2), at TIMESTAMP)");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_t VALUES (?, ?, ?, ?)")) {
        for (int i = 1; i <= 3; i++) {
          ps.setInt(1, i); ps.setString(2, "n" + i); ps.setBigDecimal(3, new java.math.BigDecimal("1.25").multiply(java.math.BigDecimal.valueOf(i)));
          ps.setTimestamp(4, Timestamp.valueOf("2024-01-02 03:04:05"));
          check(ps.executeUpdate() == 1, "insert");
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, price, at FROM jdbc_t WHERE id >= ? ORDER BY id")) {
        for (int round = 0; round < 6; round++) {  // the driver switches to a named server statement at 5
          ps.setInt(1, 2);
          try (ResultSet rs = ps.executeQuery()) {
            check(rs.next() && rs.getInt(1) == 2 && rs.getString(2).equals("n2") && rs.getBigDecimal(3).toString().equals("2.50"), "row 2");
            check(rs.getTimestamp(4).equals(Timestamp.valueOf("2024-01-02 03:04:05")), "timestamp");
            check(rs.next() && rs.getInt(1) == 3 && !rs.next(), "row 3");
          }
        }
      }
      try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE"})) {
        boolean found = false;
        while (rs.next()) found |= rs.getString("TABLE_NAME").equals("jdbc_t");
        check(found, "getTables finds jdbc_t");
      }
      try (ResultSet rs = md.getColumns(null, "public", "jdbc_t", "%")) {
        List<String> cols = new ArrayList<>();
        while (rs.next()) cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":" + rs.getInt("DATA_TYPE"));
        System.out.println(cols);
        check(cols.size() == 4, "getColumns");
      }
      // Basin has no foreign keys: the calls BI tools make (Metabase's sync) answer, empty.
      try (ResultSet rs = md.getImportedKeys(null, "public", "jdbc_t")) {
        check(rs.getMetaData().getColumnCount() == 14 && !rs.next(), "getImportedKeys: no foreign keys");
      }
      try (ResultSet rs = md.getExportedKeys(null, "public", "jdbc_t")) {
        check(!rs.next(), "getExportedKeys: none");
      }
      // Basin tables have no primary keys or indexes: the calls answer with their columns and no rows.
      try (ResultSet rs = md.getPrimaryKeys(null, "public", "jdbc_t")) {
        ResultSetMetaData m = rs.getMetaData();
        check(m.getColumnCount() == 6 && m.getColumnName(5).equalsIgnoreCase("KEY_SEQ") && !rs.next(), "getPrimaryKeys: none");
      }
      try (ResultSet rs = md.getIndexInfo(null, "public", "jdbc_t", false, false)) {
        ResultSetMetaData m = rs.getMetaData();
        check(m.getColumnCount() == 13 && m.getColumnName(8).equalsIgnoreCase("ORDINAL_POSITION") && !rs.next(), "getIndexInfo: none");
      }
      try (ResultSet rs = md.getBestRowIdentifier(null, "public", "jdbc_t", DatabaseMetaData.bestRowSession, true)) {
        check(rs.getMetaData().getColumnCount() == 8 && !rs.next(), "getBestRowIdentifier: none");
      }
      try (ResultSet rs = md.getSchemas()) { int n = 0; while (rs.next()) n++; check(n >= 1, "getSchemas"); }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) { s.executeUpdate("UPDATE jdbc_t SET name = 'x' WHERE id = 1"); }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        try { s.executeQuery("SELECT nope FROM jdbc_t"); check(false, "error expected"); }
        catch (SQLException e) { check(e.getSQLState().equals("42703"), "SQLSTATE " + e.getSQLState()); }
        s.execute("DROP TABLE jdbc_t");
      }
    }
    System.out.println("jdbc: ok");
  }
}
