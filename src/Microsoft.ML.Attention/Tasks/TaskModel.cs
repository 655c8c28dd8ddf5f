using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// A trained (or imported) model as the ML.NET layer holds it: the task's saved settings (<see cref="Spec"/>), the network's config, the
/// tokenizer and the network itself on its device. The typed view is <see cref="TaskModel{TNetwork}"/>, which the task's own code uses;
/// the ML.NET layer sees only what every task has.
/// </summary>
internal abstract class TaskModel : IDisposable
{
    protected TaskModel(TransformerConfig config, TextTokenizer tokenizer, torch.Device device)
    {
        Config = config;
        Tokenizer = tokenizer;
        Device = device;
    }

    /// <summary>The task's settings (columns, head sizes, labels), saved with the model.</summary>
    public abstract TaskSpec Spec { get; }

    public TransformerTask Task => Spec.Task;
    public TransformerConfig Config { get; }
    public TextTokenizer Tokenizer { get; }
    public torch.Device Device { get; }

    /// <summary>The whole task network (weights, device, save and load).</summary>
    public torch.nn.Module Network => UntypedNetwork;

    /// <summary>The encoder/decoder stack that every task network shares (part of <see cref="Network"/>).</summary>
    public abstract TransformerBackbone Backbone { get; }

    /// <summary>The scorer that fills the task's output columns, on the engine and at the precision of <paramref name="settings"/> where the task supports it.</summary>
    public abstract ITaskScorer CreateScorer(InferenceSettings settings);

    /// <summary>Writes the network's weights (always from the CPU).</summary>
    public void SaveNetwork(BinaryWriter writer) => ModelStreams.SaveNetwork(Network, Device, writer);

    /// <summary>
    /// One more owner of this model (a transformer made from another by <c>WithInference</c> shares its network): the network is released
    /// when the last owner disposes it.
    /// </summary>
    public TaskModel Share()
    {
        // Compare-and-swap, so that a model whose last owner is disposing it is never revived.
        for (int owners = Volatile.Read(ref _owners); owners > 0; owners = Volatile.Read(ref _owners))
        {
            if (Interlocked.CompareExchange(ref _owners, owners + 1, owners) == owners)
                return this;
        }
        throw new ObjectDisposedException(nameof(TaskModel));
    }

    /// <summary>Releases this owner's hold; the last one releases the network's tensors.</summary>
    public void Dispose()
    {
        if (Interlocked.Decrement(ref _owners) == 0)
            Network.Dispose();
    }

    private int _owners = 1;

    private protected abstract torch.nn.Module UntypedNetwork { get; }
}

/// <summary>A <see cref="TaskModel"/> whose network keeps its type from the spec that made it to the scorer that runs it.</summary>
/// <typeparam name="TNetwork">The task's head network (in <c>Modeling/</c>).</typeparam>
internal sealed class TaskModel<TNetwork> : TaskModel where TNetwork : torch.nn.Module, ITaskNetwork
{
    private readonly TaskSpec<TNetwork> _spec;

    public TaskModel(TaskSpec<TNetwork> spec, TransformerConfig config, TextTokenizer tokenizer, TNetwork network, torch.Device device)
        : base(config, tokenizer, device)
    {
        _spec = spec;
        Network = network;
    }

    public override TaskSpec Spec => _spec;

    /// <summary>The task network, typed.</summary>
    public new TNetwork Network { get; }

    public override TransformerBackbone Backbone => Network.Backbone;

    public override ITaskScorer CreateScorer(InferenceSettings settings) => _spec.CreateScorer(this, settings);

    /// <summary>The network as <paramref name="settings"/> ask: itself for float32, a bfloat16 copy, or an ONNX Runtime session (owned by the result).</summary>
    public InferenceNetwork<TNetwork> ForInference(InferenceSettings settings) => new(this, _spec, settings);

    private protected override torch.nn.Module UntypedNetwork => Network;
}
