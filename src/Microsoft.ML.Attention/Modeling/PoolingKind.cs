namespace Microsoft.ML.Attention.Modeling;

/// <summary>How <see cref="Pooling"/> reduces hidden states [B, T, D] to one vector per sequence [B, D].</summary>
public enum PoolingKind
{
    /// <summary>Average over the real (unpadded) positions.</summary>
    Mean,

    /// <summary>The hidden state of the first token (BERT's [CLS]).</summary>
    FirstToken,
}
