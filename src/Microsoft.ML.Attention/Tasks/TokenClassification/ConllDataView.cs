using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The sentences of a CoNLL file as a data view: one row per sentence, each requested file column a variable-length vector of text, and
/// optionally the document id as text. Held in memory; shuffling is supported (ML.NET's <c>ShuffleRows</c>, train/test splits).
/// </summary>
/// <remarks>
/// Written by hand because ML.NET offers no public builder for a schema decided at run time: <c>LoadFromEnumerable</c> needs one class
/// member per column, and the internal <c>ArrayDataViewBuilder</c> makes a vector column fixed-size when every row happens to have
/// the same length, so the schema would depend on the data.
/// </remarks>
internal sealed class ConllDataView : IDataView
{
    private readonly IReadOnlyList<ConllSentence> _sentences;
    private readonly int[] _fieldOf;       // per vector column, the file column it reads
    private readonly bool _hasDocument;    // the last column is the document id

    public ConllDataView(IReadOnlyList<ConllSentence> sentences, IReadOnlyList<ConllColumn> columns, string? documentColumnName)
    {
        _sentences = sentences;
        _fieldOf = columns.Select(c => c.Index).ToArray();
        _hasDocument = documentColumnName is not null;
        var builder = new DataViewSchema.Builder();
        foreach (var column in columns)
            builder.AddColumn(column.Name, new VectorDataViewType(TextDataViewType.Instance));
        if (documentColumnName is not null)
            builder.AddColumn(documentColumnName, TextDataViewType.Instance);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => true;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _sentences.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet(), rand);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ConllDataView _parent;
        private readonly HashSet<int> _active;
        private readonly int[]? _order;
        private long _position = -1;

        public Cursor(ConllDataView parent, HashSet<int> active, Random? rand)
        {
            _parent = parent;
            _active = active;
            if (rand is not null)
            {
                _order = Enumerable.Range(0, parent._sentences.Count).ToArray();
                rand.Shuffle(_order);
            }
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        private int Row => _order is null ? (int)_position : _order[_position];

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (_position + 1 >= _parent._sentences.Count)
            {
                _position = _parent._sentences.Count;
                return false;
            }
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)Row, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            if (_parent._hasDocument && column.Index == _parent._fieldOf.Length)
            {
                if (typeof(TValue) != typeof(ReadOnlyMemory<char>))
                    throw new InvalidOperationException($"Column '{column.Name}' is text; it was read as {typeof(TValue).Name}.");
                ValueGetter<ReadOnlyMemory<char>> document = (ref ReadOnlyMemory<char> value) => value = _parent._sentences[Row].Document.AsMemory();
                return (ValueGetter<TValue>)(Delegate)document;
            }
            if (typeof(TValue) != typeof(VBuffer<ReadOnlyMemory<char>>))
                throw new InvalidOperationException($"Column '{column.Name}' is a vector of text; it was read as {typeof(TValue).Name}.");
            int field = _parent._fieldOf[column.Index];
            ValueGetter<VBuffer<ReadOnlyMemory<char>>> tokens = (ref VBuffer<ReadOnlyMemory<char>> value) =>
            {
                string[] values = _parent._sentences[Row].Fields[field];
                var editor = VBufferEditor.Create(ref value, values.Length);
                for (int i = 0; i < values.Length; i++)
                    editor.Values[i] = values[i].AsMemory();
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)tokens;
        }
    }
}
