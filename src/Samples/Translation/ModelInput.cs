using Microsoft.ML.Data;

namespace Translation;

/// <summary>A verse pair: the English source and, for training, its Spanish translation.</summary>
public sealed class ModelInput
{
    [ColumnName("English")]
    public string English { get; set; } = "";

    [ColumnName("Spanish")]
    public string Spanish { get; set; } = "";
}
