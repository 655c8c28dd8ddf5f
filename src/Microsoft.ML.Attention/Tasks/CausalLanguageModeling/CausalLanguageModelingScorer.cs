using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Text generation: each row's prompt is continued with <see cref="TextGenerator"/> under the saved <see cref="GenerationOptions"/>;
/// the output is the new text only (the prompt is not repeated). A batch of rows is generated together
/// (<see cref="TextGenerator.GenerateBatch"/>: one forward pass per step, each row with its own positions, sampler and stopping),
/// and each row's result depends only on its prompt (a seeded sampler restarts from its seed for every row), so batch Transform,
/// PredictionEngine and <see cref="TransformerTextTransformer.Generate"/> agree up to the rounding of a batched forward pass.
/// </summary>
internal sealed class CausalLanguageModelingScorer : IGeneratingScorer
{
    private readonly TextGenerator _generator;
    private readonly GenerationOptions _generation;

    public CausalLanguageModelingScorer(TransformerTextModel model, string promptColumnName, string outputColumnName, GenerationOptions generation)
    {
        _generator = new TextGenerator((CausalLanguageModel)model.Network, model.Tokenizer);
        _generation = generation;
        InputColumnNames = [promptColumnName];
        OutputColumns = [new DataViewSchema.DetachedColumn(outputColumnName, TextDataViewType.Instance)];
    }

    public IReadOnlyList<string> InputColumnNames { get; }

    public IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    public GenerationOptions Generation => CausalLanguageModelingSpec.Copy(_generation);

    /// <summary>Yields the continuation of <paramref name="prompt"/> piece by piece (see <see cref="TextGenerator.Stream"/>).</summary>
    public IEnumerable<string> Stream(string? prompt, CancellationToken cancellationToken) =>
        _generator.Stream(prompt, _generation, cancellationToken);

    /// <summary>As <see cref="Stream(string?, CancellationToken)"/>, under <paramref name="options"/>.</summary>
    public IEnumerable<string> Stream(string? prompt, GenerationOptions options, CancellationToken cancellationToken) =>
        _generator.Stream(prompt, options, cancellationToken);

    public object[][] Score(IReadOnlyList<string[]> inputs)
    {
        var texts = _generator.GenerateBatch(inputs.Select(row => (string?)row[0]).ToList(), _generation);
        return texts.Select(text => new object[] { text.AsMemory() }).ToArray();
    }
}
