using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>
/// The output of <see cref="TransformerTextTransformer.Transform"/>: the input columns plus the task's output columns, computed
/// <c>batchSize</c> rows per forward pass. A second, look-ahead cursor over the input reads the text of the next
/// <see cref="WindowBatches"/> batches while the main cursor passes the input columns through row by row; both see the rows in the
/// same order. Within that window the rows are scored in batches of similar length (sorted by text length), so that each batch is
/// padded only to its own longest row; the results are served back in the input's order.
/// </summary>
internal sealed class BatchedTransformDataView : IDataView
{
    /// <summary>Batches read ahead and sorted by length together: 8 batches cut the padding of mixed-length text several-fold.</summary>
    public const int WindowBatches = 8;

    private readonly IDataView _input;
    private readonly IRowScorer _scorer;
    private readonly int _batchSize;
    private readonly int[] _inputColumnIndices;

    public BatchedTransformDataView(IDataView input, IRowScorer scorer, int batchSize, DataViewSchema outputSchema)
    {
        _input = input;
        _scorer = scorer;
        _batchSize = batchSize;
        Schema = outputSchema;
        _inputColumnIndices = scorer.InputColumnNames.Select(name => input.Schema[name].Index).ToArray();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        int inputCount = _input.Schema.Count;
        bool outputsActive = needed.Any(i => i >= inputCount);
        var passThrough = needed.Where(i => i < inputCount).Select(i => _input.Schema[i]);
        var main = _input.GetRowCursor(passThrough);
        DataViewRowCursor? lookAhead = outputsActive ? _input.GetRowCursor(_inputColumnIndices.Select(i => _input.Schema[i])) : null;
        return new Cursor(this, main, lookAhead, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchedTransformDataView _parent;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _lookAhead;
        private readonly HashSet<int> _active;
        private readonly ValueGetter<ReadOnlyMemory<char>>[] _textGetters;
        private object[][] _batch = [];
        private int _rowInBatch = -1;

        public Cursor(BatchedTransformDataView parent, DataViewRowCursor main, DataViewRowCursor? lookAhead, HashSet<int> active)
        {
            _parent = parent;
            _main = main;
            _lookAhead = lookAhead;
            _active = active;
            _textGetters = lookAhead is null ? [] : parent._inputColumnIndices
                .Select(i => lookAhead.GetGetter<ReadOnlyMemory<char>>(lookAhead.Schema[i])).ToArray();
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _main.Position;

        public override long Batch => _main.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (!_main.MoveNext())
                return false;
            if (_lookAhead is null)
                return true;
            if (++_rowInBatch >= _batch.Length)
            {
                ReadNextBatch();
                _rowInBatch = 0;
            }
            return true;
        }

        private void ReadNextBatch()
        {
            int batchSize = _parent._batchSize;
            var rows = new List<string[]>(batchSize * WindowBatches);
            while (rows.Count < batchSize * WindowBatches && _lookAhead!.MoveNext())
            {
                var texts = new string[_textGetters.Length];
                for (int k = 0; k < texts.Length; k++)
                {
                    ReadOnlyMemory<char> value = default;
                    _textGetters[k](ref value);
                    texts[k] = value.ToString();
                }
                rows.Add(texts);
            }
            if (rows.Count == 0)
                throw new InvalidOperationException("The input data view returned fewer rows to its second cursor than to its first.");

            // Score in order of length (a stable sort: equal lengths keep their order), then put each result back at its row.
            int[] order = Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].Sum(text => text.Length)).ToArray();
            _batch = new object[rows.Count][];
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int[] chunk = order[start..Math.Min(order.Length, start + batchSize)];
                object[][] scored = _parent._scorer.Score(chunk.Select(i => rows[i]).ToList());
                for (int j = 0; j < chunk.Length; j++)
                    _batch[chunk[j]] = scored[j];
            }
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = _parent._input.Schema.Count;
            if (column.Index < inputCount)
                return _main.GetGetter<TValue>(_main.Schema[column.Index]);
            if (!_active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            int output = column.Index - inputCount;
            return (ref TValue value) => value = OutputValues.Copy<TValue>(_batch[_rowInBatch][output]);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _main.Dispose();
                _lookAhead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
