using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>The front door: transformer (attention) estimators on ML.NET's catalogs.</summary>
public static class AttentionCatalog
{
    /// <summary>
    /// Pretrains a transformer encoder with masked language modelling on <paramref name="inputColumnName"/> (default options) and
    /// adds a sentence-embedding column <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">The embedding column to add. Default: <c>"Embedding"</c>.</param>
    /// <param name="inputColumnName">The text column. Default: <c>"Text"</c>.</param>
    /// <example><code language="csharp">
    /// var pipeline = mlContext.Transforms.AttentionEncoder("Embedding", "Text");
    /// </code></example>
    public static TransformerTextEstimator AttentionEncoder(this TransformsCatalog catalog, string outputColumnName = "Embedding", string inputColumnName = "Text") =>
        AttentionEncoder(catalog, new TransformerTextOptions { OutputColumnName = outputColumnName, TextColumnName = inputColumnName });

    /// <summary>A transformer estimator for the task, columns, model, tokenizer and training run given in <paramref name="options"/>.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="options">Task, columns, model, tokenizer and training options.</param>
    public static TransformerTextEstimator AttentionEncoder(this TransformsCatalog catalog, TransformerTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransformerTextEstimator(CatalogUtils.GetEnvironment(catalog), options);
    }
}
