using Microsoft.ML.Data;

namespace SemanticSearch;

/// <summary>One text to embed: a document of the corpus or a query.</summary>
public sealed class ModelInput
{
    [ColumnName("Text")]
    public string Text { get; set; } = "";
}
