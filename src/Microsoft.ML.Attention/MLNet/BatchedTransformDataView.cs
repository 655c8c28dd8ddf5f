using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>
/// The output of <see cref="TransformerTextTransformer.Transform"/>: the input columns plus the task's output columns, computed
/// <c>batchSize</c> rows per forward pass. A second, look-ahead cursor over the input reads the text of the next
/// <see cref="WindowBatches"/> batches while the main cursor passes the input columns through row by row; both see the rows in the
/// same order. The task's scorer encodes that window once and scores it in batches of similar token length, so that each batch is
/// padded only to its own longest row; the results are served back in the input's order. A cursor created inside a
/// <see cref="TransformerScoring.WithCancellation(CancellationToken)"/> scope stops with <see cref="OperationCanceledException"/> when its token is cancelled.
/// </summary>
internal sealed class BatchedTransformDataView : IDataView
{
    /// <summary>Batches read ahead and sorted by length together: 8 batches cut the padding of mixed-length text several-fold.</summary>
    public const int WindowBatches = 8;

    private readonly IDataView _input;
    private readonly ITaskScorer _scorer;
    private readonly int _batchSize;
    private readonly int[] _inputColumnIndices;

    public BatchedTransformDataView(IDataView input, ITaskScorer scorer, int batchSize, DataViewSchema outputSchema)
    {
        _input = input;
        _scorer = scorer;
        _batchSize = batchSize;
        Schema = outputSchema;
        _inputColumnIndices = InputRowReader.Indices(input.Schema, scorer.InputColumns);
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
        return new Cursor(this, main, lookAhead, needed, TransformerScoring.Current);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchedTransformDataView _parent;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _lookAhead;
        private readonly HashSet<int> _active;
        private readonly InputRowReader? _inputs;
        private readonly CancellationToken _cancellation;
        private ScoredRows? _window;
        private int _rowInWindow = -1;

        public Cursor(BatchedTransformDataView parent, DataViewRowCursor main, DataViewRowCursor? lookAhead, HashSet<int> active, CancellationToken cancellation)
        {
            _parent = parent;
            _main = main;
            _lookAhead = lookAhead;
            _active = active;
            _cancellation = cancellation;
            _inputs = lookAhead is null ? null : new InputRowReader(lookAhead, parent._scorer.InputColumns);
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
            if (_window is null || ++_rowInWindow >= _window.RowCount)
            {
                _window = ReadNextWindow();
                _rowInWindow = 0;
            }
            return true;
        }

        private ScoredRows ReadNextWindow()
        {
            TransformerScoring.ThrowIfCancellationRequested(_cancellation);
            int batchSize = _parent._batchSize;
            var rows = new List<InputRow>(batchSize * WindowBatches);
            while (rows.Count < batchSize * WindowBatches && _lookAhead!.MoveNext())
                rows.Add(_inputs!.Read());
            if (rows.Count == 0)
                throw new InvalidOperationException("The input data view returned fewer rows to its second cursor than to its first.");
            // The captured token also reaches the checks inside a row (question-answering windows, generated tokens), whatever flow moves the cursor.
            using (TransformerScoring.WithCancellation(_cancellation))
                return _parent._scorer.Score(rows, batchSize, _cancellation);
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = _parent._input.Schema.Count;
            if (column.Index < inputCount)
                return _main.GetGetter<TValue>(_main.Schema[column.Index]);
            if (!_active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            int output = column.Index - inputCount;
            var getter = _parent._scorer.OutputColumns[output].MakeGetter(() => _window![output], () => _rowInWindow);
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; its values cannot be read as {typeof(TValue).Name}.");
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
