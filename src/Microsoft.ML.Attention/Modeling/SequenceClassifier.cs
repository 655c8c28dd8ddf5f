using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Sequence classification: a bidirectional <see cref="TransformerBackbone"/>, <see cref="Pooling"/>, dropout and
/// <c>Linear(D, classCount)</c>. State-dict keys: <c>backbone.*</c>, <c>classifier.weight</c> [C, D], <c>classifier.bias</c> [C].
/// </summary>
public sealed class SequenceClassifier : nn.Module<Tensor, Tensor, Tensor>, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone backbone;

    [ComponentName(Name = "dropout")]
    private readonly Dropout dropout;

    [ComponentName(Name = "classifier")]
    private readonly Linear classifier;

    /// <summary>Creates the model with fresh weights.</summary>
    /// <param name="config">The model configuration; validated first.</param>
    /// <param name="classCount">Number of classes C; positive.</param>
    /// <param name="pooling">How the hidden states are reduced to one vector. Default <see cref="PoolingKind.Mean"/>.</param>
    /// <exception cref="ArgumentException">The configuration is invalid, or <paramref name="classCount"/> is not positive.</exception>
    public SequenceClassifier(TransformerConfig config, int classCount, PoolingKind pooling = PoolingKind.Mean)
        : base(nameof(SequenceClassifier))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (classCount <= 0)
        {
            throw new ArgumentException($"classCount must be positive; got {classCount}.", nameof(classCount));
        }

        if (!Enum.IsDefined(pooling))
        {
            throw new ArgumentException($"pooling is not a defined PoolingKind; got {pooling}.", nameof(pooling));
        }

        ClassCount = classCount;
        PoolingKind = pooling;
        backbone = new TransformerBackbone(config);
        dropout = nn.Dropout(config.Dropout);
        classifier = WeightInitialization.Normal(nn.Linear(config.ModelDimension, classCount));
        RegisterComponents();
    }

    /// <summary>The shared body, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => backbone;

    /// <summary>Number of classes C.</summary>
    public int ClassCount { get; }

    /// <summary>How the hidden states are pooled.</summary>
    public PoolingKind PoolingKind { get; }

    /// <summary>Scores each sequence.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <returns>Logits [B, C].</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask, tokenTypeIds: null);

    /// <summary>Scores each sequence (or pair of texts).</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <param name="tokenTypeIds">[B, T] segment ids (0 = first text, 1 = second text of a pair), or null = all 0; read only by a backbone with token-type embeddings.</param>
    /// <returns>Logits [B, C].</returns>
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var hidden = backbone.forward(inputIds, attentionMask, causal: false, tokenTypeIds: tokenTypeIds); // [B, T, D]
        var pooled = Pooling.Pool(PoolingKind, hidden, attentionMask); // [B, D]
        return classifier.forward(dropout.forward(pooled)).MoveToOuterDisposeScope(); // [B, C]
    }
}
