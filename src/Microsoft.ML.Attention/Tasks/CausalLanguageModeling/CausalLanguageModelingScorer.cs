using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Text generation: each row's prompt is continued with <see cref="TextGenerator"/> under the saved <see cref="GenerationOptions"/>;
/// the output is the new text only (the prompt is not repeated). A batch of rows is generated together
/// (<see cref="TextGenerator.GenerateBatch"/>: one forward pass per step, each row with its own positions, sampler and stopping),
/// and each row's result depends only on its prompt (a seeded sampler restarts from its seed for every row), so batch Transform,
/// PredictionEngine and <see cref="TransformerTextTransformer.Generate"/> agree up to the rounding of a batched forward pass.
/// </summary>
internal sealed class CausalLanguageModelingScorer : TaskScorer<string?>, IGeneratingScorer
{
    private readonly TextGenerator _generator;
    private readonly CausalLanguageModelingSpec _spec;
    private readonly GenerationOptions _generation;
    private readonly ScalarOutputColumn<ReadOnlyMemory<char>> _generated;

    public CausalLanguageModelingScorer(TaskModel<CausalLanguageModel> model, CausalLanguageModelingSpec spec)
    {
        _generator = new TextGenerator(model.Network, model.Tokenizer);
        _spec = spec;
        _generation = spec.Generation;
        _generated = new(spec.OutputColumnName, TextDataViewType.Instance);
        OutputColumns = [_generated];
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns => TextColumns(_spec.InputColumnNames);

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    public GenerationOptions Generation => CausalLanguageModelingSpec.Copy(_generation);

    /// <summary>Yields the continuation of <paramref name="prompt"/> piece by piece (see <see cref="TextGenerator.Stream"/>).</summary>
    public IEnumerable<string> Stream(string? prompt, CancellationToken cancellationToken) =>
        _generator.Stream(prompt, _generation, cancellationToken);

    /// <summary>As <see cref="Stream(string?, CancellationToken)"/>, under <paramref name="options"/>.</summary>
    public IEnumerable<string> Stream(string? prompt, GenerationOptions options, CancellationToken cancellationToken) =>
        _generator.Stream(prompt, options, cancellationToken);

    // Prompts are grouped by length in characters: the generator encodes them itself (and keeps only the last tokens of a long prompt).
    protected override string? Encode(InputRow row) => row.Text(0);

    protected override int Length(string? row) => row?.Length ?? 0;

    protected override void ScoreBatch(IReadOnlyList<string?> batch, ScoredRows output, IReadOnlyList<int> outputRows, CancellationToken cancellationToken)
    {
        var texts = _generator.GenerateBatch(batch, _generation, cancellationToken);
        for (int b = 0; b < batch.Count; b++)
            _generated.Set(output, outputRows[b], texts[b].AsMemory());
    }
}
