using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>
/// Row-at-a-time mapping for <c>PredictionEngine</c> and <c>GetRowToRowMapper</c>: scores the current row alone (a batch of one)
/// once per row position and serves every output column from that result, through each column's typed getter. A row scored inside a
/// <see cref="TransformerScoring.WithCancellation(CancellationToken)"/> scope stops when its token is cancelled.
/// </summary>
internal sealed class TransformerTextRowMapper : IRowMapper
{
    private readonly TransformerTextTransformer _parent;
    private readonly ITaskScorer _scorer;
    private readonly int[] _inputIndices;

    public TransformerTextRowMapper(TransformerTextTransformer parent, ITaskScorer scorer, DataViewSchema inputSchema)
    {
        _parent = parent;
        _scorer = scorer;
        _inputIndices = InputRowReader.Indices(inputSchema, scorer.InputColumns);
    }

    public DataViewSchema.DetachedColumn[] GetOutputColumns() => _scorer.OutputColumns.Select(c => c.Detached).ToArray();

    public Func<int, bool> GetDependencies(Func<int, bool> activeOutput)
    {
        bool any = Enumerable.Range(0, _scorer.OutputColumns.Count).Any(activeOutput);
        return column => any && _inputIndices.Contains(column);
    }

    public Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
    {
        disposer = () => { };
        var inputs = new InputRowReader(input, _scorer.InputColumns);
        long scoredPosition = -1;
        ScoredRows? scored = null;
        ScoredRows Current()
        {
            if (scoredPosition != input.Position || scored is null)
            {
                scored = _scorer.Score([inputs.Read()], batchSize: 1, TransformerScoring.Current);
                scoredPosition = input.Position;
            }
            return scored;
        }

        var getters = new Delegate[_scorer.OutputColumns.Count];
        for (int output = 0; output < getters.Length; output++)
        {
            if (!activeOutput(output))
                continue;
            int column = output;
            getters[output] = _scorer.OutputColumns[output].MakeGetter(() => Current()[column], () => 0);
        }
        return getters;
    }

    public ITransformer GetTransformer() => _parent;

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_parent).Save(ctx);
}
