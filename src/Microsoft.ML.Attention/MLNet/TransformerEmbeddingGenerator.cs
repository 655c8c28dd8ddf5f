using Microsoft.Extensions.AI;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>
/// The sentence embeddings of a <see cref="TransformerTextTransformer"/> (an imported encoder, or a masked-LM pretrained one) as an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of Microsoft.Extensions.AI, so that the library plugs into .NET's
/// vector-search and RAG code. Texts are embedded <see cref="TransformerTextTransformer.InferenceBatchSize"/> at a time; calls from
/// several threads are served one after another. Create it with <see cref="AttentionCatalog.AsEmbeddingGenerator"/>.
/// </summary>
public sealed class TransformerEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly TransformerTextTransformer _transformer;
    private readonly bool _ownsTransformer;
    private readonly object _gate = new();
    private readonly EmbeddingGeneratorMetadata _metadata;

    internal TransformerEmbeddingGenerator(TransformerTextTransformer transformer, bool ownsTransformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (!transformer.WritesEmbeddings)
        {
            throw new ArgumentException(
                $"An embedding generator needs a transformer that writes one sentence embedding per text (e.g. task MaskedLanguageModeling or ImportEncoder); this one's task is {transformer.Task}, with columns {string.Join(", ", transformer.OutputColumnNames)}.",
                nameof(transformer));
        }
        _transformer = transformer;
        _ownsTransformer = ownsTransformer;
        _metadata = new EmbeddingGeneratorMetadata("Microsoft.ML.Attention", defaultModelDimensions: transformer.Config.ModelDimension);
    }

    /// <summary>Embeds <paramref name="values"/>, one vector of the model dimension per text (null counts as empty).</summary>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        for (int start = 0; start < texts.Count; start += _transformer.InferenceBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = texts.Skip(start).Take(_transformer.InferenceBatchSize).Select(text => Tasks.InputRow.OfTexts(text ?? "")).ToList();
            Tasks.ScoredRows scored;
            lock (_gate)
                scored = _transformer.ScoreRows(batch, cancellationToken);
            int row = 0;
            var embedding = (ValueGetter<VBuffer<float>>)_transformer.OutputColumns[0].MakeGetter(() => scored[0], () => row);
            for (; row < scored.RowCount; row++)
            {
                VBuffer<float> vector = default;
                embedding(ref vector);
                result.Add(new Embedding<float>(vector.DenseValues().ToArray()) { CreatedAt = DateTimeOffset.UtcNow });
            }
        }
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
            return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
            return _metadata;
        return serviceType.IsInstanceOfType(_transformer) ? _transformer : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the transformer when this generator was created to own it.</summary>
    public void Dispose()
    {
        if (_ownsTransformer)
            _transformer.Dispose();
    }
}
