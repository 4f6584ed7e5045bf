package org.jamesexim.it.load;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.mailet.Mail;
import org.jamesexim.it.JamesHarness;

/** Every mail in every mail repository of a running James (error, bulk, relay-denied, ...): the load runs' count of what was kept. */
final class RepositoryMails {
    /** What to do with one mail of one repository. */
    interface Visitor {
        void visit(MailRepositoryUrl url, Mail mail) throws Exception;
    }

    private RepositoryMails() {
    }

    static void forEach(JamesHarness james, Visitor visitor) throws Exception {
        MailRepositoryProbeImpl probe = james.server().getProbe(MailRepositoryProbeImpl.class);
        for (MailRepositoryUrl url : probe.listRepositoryUrls()) {
            for (MailKey key : probe.listMailKeys(url)) {
                visitor.visit(url, probe.getMail(url, key));
            }
        }
    }
}
