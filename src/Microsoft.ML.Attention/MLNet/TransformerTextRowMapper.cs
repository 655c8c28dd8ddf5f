using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>
/// Row-at-a-time mapping for <c>PredictionEngine</c> and <c>GetRowToRowMapper</c>: scores the current row alone (a batch of one)
/// once per row position and serves every output column from that result.
/// </summary>
internal sealed class TransformerTextRowMapper : IRowMapper
{
    private static readonly MethodInfo MakeGetterMethod = typeof(TransformerTextRowMapper).GetMethod(nameof(MakeGetter), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly TransformerTextTransformer _parent;
    private readonly IRowScorer _scorer;
    private readonly int[] _inputIndices;

    public TransformerTextRowMapper(TransformerTextTransformer parent, IRowScorer scorer, DataViewSchema inputSchema)
    {
        _parent = parent;
        _scorer = scorer;
        _inputIndices = scorer.InputColumnNames.Select(name => inputSchema[name].Index).ToArray();
    }

    public DataViewSchema.DetachedColumn[] GetOutputColumns() => _scorer.OutputColumns.ToArray();

    public Func<int, bool> GetDependencies(Func<int, bool> activeOutput)
    {
        bool any = Enumerable.Range(0, _scorer.OutputColumns.Count).Any(activeOutput);
        return column => any && _inputIndices.Contains(column);
    }

    public Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
    {
        disposer = () => { };
        var texts = _inputIndices.Select(i => input.GetGetter<ReadOnlyMemory<char>>(input.Schema[i])).ToArray();
        long scoredPosition = -1;
        object[] scored = [];
        object[] Current()
        {
            if (scoredPosition != input.Position || scored.Length == 0)
            {
                var row = new string[texts.Length];
                for (int k = 0; k < texts.Length; k++)
                {
                    ReadOnlyMemory<char> value = default;
                    texts[k](ref value);
                    row[k] = value.ToString();
                }
                scored = _scorer.Score([row])[0];
                scoredPosition = input.Position;
            }
            return scored;
        }

        var getters = new Delegate[_scorer.OutputColumns.Count];
        for (int output = 0; output < getters.Length; output++)
        {
            if (!activeOutput(output))
                continue;
            var rawType = _scorer.OutputColumns[output].Type.RawType;
            getters[output] = (Delegate)MakeGetterMethod.MakeGenericMethod(rawType).Invoke(null, [new Func<object[]>(Current), output])!;
        }
        return getters;
    }

    private static ValueGetter<TValue> MakeGetter<TValue>(Func<object[]> current, int output) =>
        (ref TValue value) => value = OutputValues.Copy<TValue>(current()[output]);

    public ITransformer GetTransformer() => _parent;

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_parent).Save(ctx);
}
