using Microsoft.ML.Data;

namespace Translation;

/// <summary>The model's Spanish translation of the English source.</summary>
public sealed class ModelOutput
{
    [ColumnName("Translation")]
    public string Translation { get; set; } = "";
}
