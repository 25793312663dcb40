// Every cmdlet derives from the hosting base classes and names its completers; these two namespaces are used everywhere.
global using EtcdPS.Completion;
global using EtcdPS.Hosting;
